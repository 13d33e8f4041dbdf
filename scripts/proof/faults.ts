// Faults: the containment of the demo pod (every isolate, network, node-network and credentials
// step, then the release of what release offers), with the simulator answering 429, 500, 503,
// 409, dropping the connection before the request, or after it was applied (the answer lost), on
// 20% of all API requests, over several seeds. The figure drives a `next start` replica of the
// production build over HTTP with API tokens, as an operator's tools would: an analyst plans,
// executes and undoes, and an approver signs off what the policy says needs it. The faults hit
// only the console's own calls to the simulator, never this process's calls to the console.
// Target: every run ends succeeded/noop/undone or failed with a reason, no duplicate side effect,
// every finished run has its intent and result on the timeline, the audit chain verifies, and no
// change left in effect after the release is one release does not offer (a run that failed after
// its change landed). The replica uses the proof's scratch SQLite file, which this process reads
// (with the simulator's request log and each step's verify) to check the record.
import { currentAnchor } from "@/lib/audit/checkpoint";
import { verifyAudit } from "@/lib/audit/verify";
import { requireIncident } from "@/lib/containment/incidents";
import { listSteps } from "@/lib/containment/registry";
import { releasePlan } from "@/lib/containment/release";
import { stepContext } from "@/lib/containment/context";
import { listRuns } from "@/lib/containment/runs";
import { getDb } from "@/lib/store";
import { callReplica, stopReplicas, type Json, type Replica } from "../production-console";
import { compromisedPod, PAYMENTS, simGet, simPost, simRequestSeq, startConsoleSim } from "./console-sim";
import { person } from "./doors";
import { proofReplica } from "./proof-replica";
import type { Figure } from "./types";

const STAGES = ["isolate", "network", "node-network", "credentials"];
const RATE = 0.2;
// "drop-after" answers nothing although the write landed (the ambiguous failure a real API has).
const FAULTS: (number | "drop" | "drop-after")[] = [429, 500, 503, 409, "drop", "drop-after"];
// What an operator would give: drain's force after it names the pods without a controller on the node.
const PARAMS: Record<string, Record<string, unknown>> = { "firewall-isolate": { sshSourceRange: "203.0.113.7/32" }, "drain-node": { force: true } };
/** Writes that act once and must not be repeated: an eviction, a Google custom method (…:disable, setTags…). */
const ONCE = /\/eviction$|:[a-zA-Z]+$|\/(setTags|setLabels|setMetadata|deleteAccessConfig|addAccessConfig|stop|start|abandonInstances|setDeletionProtection)$/;

/** As an operator would: a step that failed is planned and run again, up to this many times. */
const ATTEMPTS = 3;

type StepOutcome = { seed: number; step: string; operation: "execute" | "undo"; attempt: number; status: string; reason?: string };

/** The analyst who works the incident and the approvers who sign off (two: a policy may ask for more than one), each by API token. */
type Operators = { analyst: string; approvers: string[] };

/** A refusal from the console: its message (empty when it gave none, which the figure counts) and its reason code. */
class ConsoleRefusal extends Error {
  constructor(
    message: string,
    readonly reason?: string,
  ) {
    super(message);
  }
}

/** One call to the replica as an operator's tool makes it: a 2xx's body, or a ConsoleRefusal with the console's own message. */
async function consoleCall(r: Replica, token: string, method: string, path: string, body?: unknown) {
  const res = await callReplica(r, method, path, token, body);
  if (res.status >= 200 && res.status < 300) return res.body;
  const error = (res.body.error ?? {}) as { message?: string; reason?: string };
  throw new ConsoleRefusal(error.message?.trim() ? `${res.status} ${error.message}` : "", error.reason);
}

/**
 * Sign-off where the plan needs it, as the console's flow has it: the analyst asks for the
 * reviewed plan (execute or undo), approvers approve until it is approved; the execute or undo
 * that follows uses it up. A retry whose earlier sign-off was never used finds it still approved.
 */
async function signOff(r: Replica, who: Operators, url: string, plan: Json, operation: "execute" | "undo", params?: Record<string, unknown>): Promise<number> {
  if (!plan.requiresApproval) return 0;
  let request: Json;
  try {
    request = await consoleCall(r, who.analyst, "POST", `${url}/approvals`, {
      planHash: plan.planHash,
      reason: "proof: faults",
      operation,
      ...(params ? { params } : {}),
    });
  } catch (e) {
    if (e instanceof ConsoleRefusal && e.reason === "already-approved") return 0;
    throw e;
  }
  let decisions = 0;
  for (const approver of who.approvers) {
    if (request.status === "approved") break;
    request = await consoleCall(r, approver, "POST", `/api/v1/approvals/${request.id}/approve`, { comment: "proof: faults" });
    decisions++;
  }
  return decisions;
}

async function oneSeed(seed: number, log: (l: string) => void) {
  const sim = await startConsoleSim(["--seed", String(seed)]);
  let replica: Replica | undefined;
  try {
    const db = await getDb();
    const who: Operators = {
      analyst: (await person(db, `proof-faults-${seed}@x.com`, ["analyst", "lead"])).token.token,
      approvers: [
        (await person(db, `proof-faults-approver-${seed}@x.com`, ["approver"])).token.token,
        (await person(db, `proof-faults-approver2-${seed}@x.com`, ["approver"])).token.token,
      ],
    };
    const pod = await compromisedPod(PAYMENTS);
    // Started, and the incident opened, before the faults: they are for the steps and the release.
    replica = await proofReplica("faults", sim, log);
    const r = replica;
    const incidentId = (
      await consoleCall(r, who.analyst, "POST", "/api/v1/incidents", { cluster: PAYMENTS, namespace: "shop", pod, title: `proof: faults seed ${seed}` })
    ).id as string;
    // One draw per request: rule i takes draws in [i·r, (i+1)·r) with r = 20% / 6, so together 20%, each fault a sixth of it.
    for (const [i, status] of FAULTS.entries()) {
      await simPost(sim, "/_sim/faults", { path: "^/(?!_sim)", method: "*", rate: (RATE * (i + 1)) / FAULTS.length, status });
    }
    const since = await simRequestSeq(sim);
    const outcomes: StepOutcome[] = [];
    let approvals = 0;
    const steps = listSteps().filter((s) => STAGES.includes(s.stage));
    // Each phase's writes are checked for repeats on their own: a release rightly repeats what execute did.
    const attempt = async (step: string, operation: "execute" | "undo", run: () => Promise<{ outcome?: unknown }>) => {
      for (let n = 1; n <= ATTEMPTS; n++) {
        try {
          const res = await run();
          outcomes.push({ seed, step, operation, attempt: n, status: String(res.outcome) });
          return res.outcome === "success";
        } catch (e) {
          outcomes.push({ seed, step, operation, attempt: n, status: "failed", reason: (e as Error).message });
        }
      }
      return false;
    };
    for (const step of steps) {
      const url = `/api/v1/incidents/${incidentId}/steps/${step.id}`;
      const params = PARAMS[step.id];
      await attempt(step.id, "execute", async () => {
        const plan = await consoleCall(r, who.analyst, "POST", `${url}/plan`, params ? { params } : {});
        approvals += await signOff(r, who, url, plan, "execute", params);
        return consoleCall(r, who.analyst, "POST", `${url}/execute`, { planHash: plan.planHash, confirm: pod, ...(params ? { params } : {}) });
      });
    }
    const mid = await simRequestSeq(sim);
    // As an operator releases: what the release card lists, newest first (read under faults too, so retried).
    let toRelease: string[] = [];
    for (let n = 1; n <= ATTEMPTS && !toRelease.length; n++) {
      const card = await consoleCall(r, who.analyst, "GET", `/api/v1/incidents/${incidentId}/release`).catch(() => ({ items: [] }));
      toRelease = (card.items as { stepId: string }[]).map((i) => i.stepId);
    }
    for (const stepId of toRelease) {
      const url = `/api/v1/incidents/${incidentId}/steps/${stepId}`;
      await attempt(stepId, "undo", async () => {
        const plan = await consoleCall(r, who.analyst, "POST", `${url}/undo/plan`);
        approvals += await signOff(r, who, url, plan, "undo");
        return consoleCall(r, who.analyst, "POST", `${url}/undo`, { planHash: plan.planHash, confirm: pod });
      });
    }
    const repeatedWrites = async (from: number, to: number) => {
      const { items } = (await simGet(sim, `/_sim/requests?since=${from}&writes=true`)) as {
        items: { seq: number; method: string; path: string; status: number }[];
      };
      const seen = new Map<string, number>();
      for (const w of items.filter((x) => x.seq <= to && x.status < 300 && (x.method === "DELETE" || (x.method === "POST" && ONCE.test(x.path))))) {
        seen.set(`${w.method} ${w.path}`, (seen.get(`${w.method} ${w.path}`) ?? 0) + 1);
      }
      return [...seen].filter(([, n]) => n > 1).map(([k, n]) => `${k} ×${n}`);
    };
    const end = await simRequestSeq(sim);
    // With the faults off, which reversible step's change is still in place, and does release offer it?
    await fetch(`${sim.base}/_sim/faults`, { method: "DELETE" });
    const offered = new Set((await releasePlan(incidentId)).map((i) => i.stepId));
    const incident = await requireIncident(incidentId);
    const after = await listRuns(db, incidentId);
    const stillInEffect: string[] = [];
    const unreleasable: string[] = [];
    for (const step of steps.filter((s) => s.undo && after.some((r) => r.step_id === s.id && r.operation === "execute"))) {
      const v = await step.verify(stepContext(incident, step, PARAMS[step.id] ?? {}, after)).catch(() => ({ holds: false }));
      if (!v.holds) continue;
      (offered.has(step.id) ? stillInEffect : unreleasable).push(step.id);
    }
    const duplicates = [...(await repeatedWrites(since, mid)), ...(await repeatedWrites(mid, end))];
    const requests = end - since;

    const runs = await db.selectFrom("step_runs").selectAll().where("incident_id", "=", incidentId).execute();
    const entries = await db.selectFrom("timeline").select(["kind", "details"]).where("incident_id", "=", incidentId).execute();
    const byRun = new Map<string, Set<string>>();
    for (const e of entries) {
      const runId = (JSON.parse(e.details) as { runId?: string }).runId;
      if (runId) byRun.set(runId, (byRun.get(runId) ?? new Set()).add(e.kind));
    }
    const running = runs.filter((r) => r.status === "running").map((r) => `${r.step_id}/${r.operation}`);
    const unexplained = runs.filter((r) => r.status === "failed" && !r.message?.trim()).map((r) => `${r.step_id}/${r.operation}`);
    const lost = runs
      .filter((r) => r.status !== "running")
      .filter((r) => {
        const kinds = byRun.get(r.id) ?? new Set();
        return !kinds.has("intent") || !(kinds.has("result") || kinds.has("undo"));
      })
      .map((r) => `${r.step_id}/${r.operation}`);
    const failedNoReason = outcomes.filter((o) => o.status === "failed" && !o.reason?.trim());
    log(
      `faults seed ${seed}: ${outcomes.filter((o) => o.status !== "failed").length}/${outcomes.length} step attempts went through, ${approvals} approver sign-off(s), ${requests} API requests, ${duplicates.length} duplicate(s), ${lost.length} lost entr(ies), ${toRelease.length} released, ${stillInEffect.length} still in effect after failed releases, ${unreleasable.length} in effect but not releasable`,
    );
    return {
      seed,
      outcomes,
      runs: runs.length,
      running,
      unexplained,
      lost,
      duplicates,
      failedNoReason,
      requests,
      approvals,
      released: toRelease,
      stillInEffect,
      unreleasable,
    };
  } finally {
    if (replica) await stopReplicas([replica]);
    await sim.stop();
  }
}

export const faults: Figure = {
  id: "faults",
  title: "Containment and release under 20% API faults (429/500/503/409/drop/answer lost)",
  target: "every run ends with a reason, 0 duplicates, 0 lost entries, every change in effect is offered for release, chain verifies",
  async run({ quick, log }) {
    const seeds = quick ? [1] : [1, 2, 3, 4, 5];
    const results: Awaited<ReturnType<typeof oneSeed>>[] = [];
    for (const seed of seeds) results.push(await oneSeed(seed, log));
    const audit = await verifyAudit(await getDb(), currentAnchor());
    const sum = (f: (r: (typeof results)[number]) => number) => results.reduce((n, r) => n + f(r), 0);
    const calls = sum((r) => r.outcomes.length);
    const through = sum((r) => r.outcomes.filter((o) => o.status !== "failed").length);
    const gaveUp = sum((r) => new Set(r.outcomes.map((o) => `${o.step}/${o.operation}`)).size) - through;
    const bad = sum((r) => r.running.length + r.unexplained.length + r.failedNoReason.length);
    const duplicates = sum((r) => r.duplicates.length);
    const lost = sum((r) => r.lost.length);
    const released = sum((r) => r.released.length);
    const stillInEffect = sum((r) => r.stillInEffect.length);
    const unreleasable = sum((r) => r.unreleasable.length);
    return {
      result: `${seeds.length} seed(s), ${calls} step attempts (${through} through, ${calls - through} failed with a reason; ${gaveUp} step(s) still failed after ${ATTEMPTS}), ${sum((r) => r.approvals)} approver sign-off(s), ${bad} without an end, ${duplicates} duplicate(s), ${lost} lost entr(ies), ${released} step(s) released (${stillInEffect} still in effect after ${ATTEMPTS} failed releases), ${unreleasable} in effect but not offered for release, chain ${audit.ok ? "verifies" : "BROKEN"}`,
      met: bad === 0 && duplicates === 0 && lost === 0 && unreleasable === 0 && audit.ok,
      details: { seeds, rate: RATE, faults: FAULTS, audit, results },
    };
  },
};
