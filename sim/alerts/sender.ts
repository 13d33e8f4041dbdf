import { logJson } from "../core/log";
import type { World } from "../world";
import { findCompromisedPod } from "../scenarios/demo";
import { signIdToken } from "./oidc";
import { falcoAlert, pushEnvelope, sccFinding } from "./payloads";

// The simulator as the detectors' senders: Falcosidekick's webhook output (with the shared
// secret header it would carry as a custom header) and a Pub/Sub push subscription with OIDC
// authentication. Targets come from the environment (secrets stay off the command line):
//
//   SIM_ALERT_FALCO_URL, SIM_ALERT_FALCO_SECRET              Falcosidekick webhook target and header
//   SIM_ALERT_SCC_URL, SIM_ALERT_SCC_AUDIENCE,               push endpoint, token audience and the
//   SIM_ALERT_SCC_SERVICE_ACCOUNT                            service account the tokens are for
//
// A delivery is retried (connection refused, 5xx, 429) until the receiver answers, as
// Falcosidekick and Pub/Sub both retry, for up to `giveUpMs`; it never throws.

export type AlertTargets = {
  falco?: { url: string; secret?: string };
  scc?: { url: string; audience: string; serviceAccount: string };
};

export type Delivery = { kind: "falco" | "scc"; status: number | null; attempts: number; body?: unknown; error?: string };

export function alertTargetsFromEnv(env: NodeJS.ProcessEnv): AlertTargets {
  const out: AlertTargets = {};
  if (env.SIM_ALERT_FALCO_URL) out.falco = { url: env.SIM_ALERT_FALCO_URL, secret: env.SIM_ALERT_FALCO_SECRET || undefined };
  if (env.SIM_ALERT_SCC_URL) {
    out.scc = {
      url: env.SIM_ALERT_SCC_URL,
      audience: env.SIM_ALERT_SCC_AUDIENCE || env.SIM_ALERT_SCC_URL,
      serviceAccount: env.SIM_ALERT_SCC_SERVICE_ACCOUNT || "scc-push@sim.iam.gserviceaccount.com",
    };
  }
  return out;
}

const targetsOf = new WeakMap<World, AlertTargets>();
export function setAlertTargets(world: World, t: AlertTargets): void {
  targetsOf.set(world, t);
}
export function alertTargets(world: World): AlertTargets {
  return targetsOf.get(world) ?? {};
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms).unref?.());
const retryable = (status: number) => status >= 500 || status === 429 || status === 408;

async function post(kind: Delivery["kind"], url: string, body: unknown, headers: () => Record<string, string>, giveUpMs: number): Promise<Delivery> {
  const deadline = Date.now() + giveUpMs;
  let attempts = 0;
  let delay = 250;
  for (;;) {
    attempts += 1;
    try {
      const res = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json", ...headers() },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(60_000),
      });
      const text = await res.text();
      let answer: unknown = text;
      try {
        answer = text ? JSON.parse(text) : undefined;
      } catch {
        // not JSON: keep the text
      }
      if (!retryable(res.status) || Date.now() >= deadline) {
        logJson({ event: "alert-sent", kind, status: res.status, attempts });
        return { kind, status: res.status, attempts, body: answer };
      }
    } catch (err) {
      if (Date.now() >= deadline) {
        const error = (err as { cause?: { code?: string }; name?: string }).cause?.code ?? (err as Error).name ?? "Error";
        logJson({ event: "alert-not-delivered", kind, attempts, error });
        return { kind, status: null, attempts, error };
      }
    }
    await sleep(delay);
    delay = Math.min(delay * 2, 5_000);
  }
}

/**
 * Sends what the detectors would report about the demo's compromised pod: Falco first (the
 * connection to the mining pool), then Security Command Center (the dropped binary).
 */
export async function sendAttackAlerts(world: World, opts: { giveUpMs?: number } = {}): Promise<Delivery[]> {
  const t = alertTargets(world);
  const giveUpMs = opts.giveUpMs ?? 30 * 60_000;
  const out: Delivery[] = [];
  try {
    for (const cluster of world.clusters.values()) {
      const pod = findCompromisedPod(cluster);
      if (!pod) continue;
      if (t.falco) {
        const secret = t.falco.secret;
        out.push(
          await post(
            "falco",
            t.falco.url,
            falcoAlert(cluster, pod),
            (): Record<string, string> => (secret ? { "x-airlock-ingest-secret": secret } : {}),
            giveUpMs,
          ),
        );
      }
      if (t.scc) {
        const scc = t.scc;
        // A fresh token per attempt, as Pub/Sub signs each push.
        out.push(
          await post(
            "scc",
            scc.url,
            pushEnvelope(world, sccFinding(world, cluster, pod)),
            () => ({ authorization: `Bearer ${signIdToken({ audience: scc.audience, email: scc.serviceAccount })}` }),
            giveUpMs,
          ),
        );
      }
    }
  } catch (err) {
    logJson({ event: "alert-send-error", error: String((err as Error)?.message ?? err) });
  }
  return out;
}
