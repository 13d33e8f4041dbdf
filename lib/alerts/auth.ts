import "server-only";
import { OAuth2Client } from "google-auth-library";
import type { NextRequest } from "next/server";
import { bearerToken, callerFromRequest, hasRole, sameSecret, type Caller } from "@/lib/auth";
import { config } from "@/lib/config";
import { HttpError } from "@/lib/http/errors";
import { processSingleton } from "@/lib/process-singleton";
import { getDb } from "@/lib/store";
import { bodyOf, recordDelivery } from "./deliveries";
import type { AlertSource } from "./formats";

// Who may post alerts. Each intake door authenticates its senders its own way; a refusal is
// stored with the body it came with (deliveries.ts), so a wrong secret is on record too.

export const SECRET_HEADER = "x-airlock-ingest-secret";

/** The caller the shared secret stands for: it holds only `ingest`. */
const SECRET_CALLER: Caller = { id: "ingest:shared-secret", email: "falcosidekick (shared secret)", name: null, roles: ["ingest"], via: "token" };

async function refuseAuth(req: NextRequest, source: AlertSource, status: 401 | 403 | 503, message: string, sender: string | null = null): Promise<never> {
  const raw = await bodyOf(req, config().alerts.maxBodyBytes);
  await recordDelivery(await getDb(), { source, sender, raw, status, outcome: "rejected", reason: message });
  throw new HttpError(status, message, { reason: status === 503 ? "not-configured" : "unauthenticated" });
}

/** An API token (or session) holding `ingest`; anything else is refused and recorded. */
async function ingestToken(req: NextRequest, source: AlertSource): Promise<Caller> {
  const caller = await callerFromRequest(req);
  if (!caller) return refuseAuth(req, source, 401, "Send an ingest token (Authorization: Bearer …) or the shared secret header");
  if (!hasRole(caller, "ingest")) return refuseAuth(req, source, 403, "Only an ingest token may post alerts", caller.email);
  return caller;
}

/** Falcosidekick: the shared secret header (WEBHOOK_CUSTOMHEADERS), or an ingest token. */
export async function falcoCaller(req: NextRequest): Promise<Caller> {
  const given = req.headers.get(SECRET_HEADER);
  if (given === null) return ingestToken(req, "falco");
  const expected = config().alerts.ingestSecret;
  if (!expected) return refuseAuth(req, "falco", 401, "No ingest secret is configured (ALERT_INGEST_SECRET): send an ingest token instead");
  if (!sameSecret(given, expected)) return refuseAuth(req, "falco", 401, `The ${SECRET_HEADER} header does not match`);
  return SECRET_CALLER;
}

/** The generic door takes ingest tokens only. */
export function genericCaller(req: NextRequest): Promise<Caller> {
  return ingestToken(req, "generic");
}

// One client per certificates URL: it caches Google's certificates for as long as they say.
const clients = processSingleton("alerts-oidc", () => new Map<string, OAuth2Client>());
function oidcClient(certsUrl: string): OAuth2Client {
  let c = clients.get(certsUrl);
  if (!c) {
    c = new OAuth2Client({ endpoints: { oauth2FederatedSignonPemCertsUrl: certsUrl } });
    clients.set(certsUrl, c);
  }
  return c;
}

/** What was wrong with a token, in words that never quote it (the library's messages can). */
function tokenProblem(err: unknown): string {
  const m = String((err as Error)?.message ?? "");
  if (/audience|recipient/i.test(m)) return "its audience is not this endpoint";
  if (/too late|expired/i.test(m)) return "it has expired";
  if (/too early/i.test(m)) return "it is not valid yet";
  if (/issuer/i.test(m)) return "its issuer is not Google";
  if (/signature|segments|envelope|payload|pem|kid/i.test(m)) return "its signature does not verify";
  return "it does not verify";
}

/**
 * Security Command Center through a Pub/Sub push subscription: the Google-signed OIDC token on
 * the request, checked with google-auth-library (signature against Google's certificates,
 * issuer, audience, expiry), then the service account the subscription pushes as.
 */
export async function sccCaller(req: NextRequest): Promise<Caller> {
  const cfg = config().alerts.scc;
  if (!cfg.audience || !cfg.serviceAccount) return refuseAuth(req, "scc", 401, "Security Command Center intake is not configured (ALERT_SCC_AUDIENCE)");
  const idToken = bearerToken(req);
  if (!idToken) return refuseAuth(req, "scc", 401, "Send the push subscription's Google-signed OIDC token (Authorization: Bearer …)");
  let payload: { email?: string; email_verified?: boolean } | undefined;
  try {
    payload = (await oidcClient(cfg.certsUrl).verifyIdToken({ idToken, audience: cfg.audience })).getPayload();
  } catch (err) {
    if (/Failed to retrieve verification certificates/.test(String((err as Error)?.message))) {
      return refuseAuth(req, "scc", 503, "Google's signing certificates could not be read; the push will be retried");
    }
    return refuseAuth(req, "scc", 401, `The OIDC token was refused: ${tokenProblem(err)}`);
  }
  if (payload?.email !== cfg.serviceAccount || payload.email_verified !== true) {
    return refuseAuth(req, "scc", 401, "The OIDC token was refused: it is not the push subscription's service account", payload?.email ?? null);
  }
  return { id: `sa:${payload.email}`, email: payload.email, name: null, roles: ["ingest"], via: "token" };
}
