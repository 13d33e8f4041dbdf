// Faults: the containment of the demo pod (every isolate, network, node-network and credentials
// step, then the release of what release offers), with the simulator answering 429, 500, 503,
// 409, dropping the connection before the request, or after it was applied (the answer lost), on
// 20% of all API requests, over several seeds. Target: every run ends
// succeeded/noop/undone or failed with a reason, no duplicate side effect, every finished run has
// its intent and result on the timeline, the audit chain verifies, and no change left in effect
// after the release is one release does not offer (a run that failed after its change landed).
import type { Caller } from "@/lib/auth";
import { currentAnchor } from "@/lib/audit/checkpoint";
import { verifyAudit } from "@/lib/audit/verify";
import { executeStep, planStep, planUndo, undoStep, type ExecuteGates } from "@/lib/containment/executor";
import { openIncident } from "@/lib/containment/incidents";
import { listSteps } from "@/lib/containment/registry";
import { releasePlan } from "@/lib/containment/release";
import { stepContext } from "@/lib/containment/context";
import { listRuns } from "@/lib/containment/runs";
import { getDb } from "@/lib/store";
import { compromisedPod, PAYMENTS, simGet, simPost, simRequestSeq, startConsoleSim } from "./console-sim";
import { person } from "./doors";
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

/** An approver's sign-off for every plan: the figure measures the executor under faults, not the approval flow (the authorization figure covers that). */
export const approveAll = (approver: string): ExecuteGates => ({
  approvals: async (_incident, _step, planHash) => ({ id: `proof-${planHash.slice(0, 8)}`, status: "approved", planHash, approvedBy: [approver] }),
  consumeApproval: async () => {},
});

async function oneSeed(seed: number, log: (l: string) => void) {
  const sim = await startConsoleSim(["--seed", String(seed)]);
  try {
    const db = await getDb();
    const p = await person(db, `proof-faults-${seed}@x.com`, ["analyst", "lead"]);
    const caller: Caller = { id: p.user.id, email: p.user.email, name: null, roles: ["analyst", "lead"], via: "token" };
    const pod = await compromisedPod(PAYMENTS);
    const incident = await openIncident(caller, { cluster: PAYMENTS, namespace: "shop", pod, title: `proof: faults seed ${seed}` });
    const gates = approveAll("proof-approver@x.com");
    // One draw per request: rule i takes draws in [i·r, (i+1)·r) with r = 20% / 6, so together 20%, each fault a sixth of it.
    for (const [i, status] of FAULTS.entries()) {
      await simPost(sim, "/_sim/faults", { path: "^/(?!_sim)", method: "*", rate: (RATE * (i + 1)) / FAULTS.length, status });
    }
    const since = await simRequestSeq(sim);
    const outcomes: StepOutcome[] = [];
    const steps = listSteps().filter((s) => STAGES.includes(s.stage));
    // Each phase's writes are checked for repeats on their own: a release rightly repeats what execute did.
    const attempt = async (step: string, operation: "execute" | "undo", run: () => Promise<{ outcome: string }>) => {
      for (let n = 1; n <= ATTEMPTS; n++) {
        try {
          const r = await run();
          outcomes.push({ seed, step, operation, attempt: n, status: r.outcome });
          return r.outcome === "success";
        } catch (e) {
          outcomes.push({ seed, step, operation, attempt: n, status: "failed", reason: (e as Error).message });
        }
      }
      return false;
    };
    for (const step of steps) {
      await attempt(step.id, "execute", async () => {
        const plan = await planStep(caller, incident.id, step.id, PARAMS[step.id]);
        return executeStep(caller, incident.id, step.id, { planHash: plan.planHash, confirm: pod, params: PARAMS[step.id] }, gates);
      });
    }
    const mid = await simRequestSeq(sim);
    // As an operator releases: what the release card lists, newest first (read under faults too, so retried).
    let toRelease: string[] = [];
    for (let n = 1; n <= ATTEMPTS && !toRelease.length; n++) toRelease = (await releasePlan(incident.id).catch(() => [])).map((i) => i.stepId);
    for (const stepId of toRelease) {
      await attempt(stepId, "undo", async () => {
        const plan = await planUndo(caller, incident.id, stepId);
        return undoStep(caller, incident.id, stepId, { planHash: plan.planHash, confirm: pod }, gates);
      });
    }
    const repeatedWrites = async (from: number, to: number) => {
      const { items } = (await simGet(sim, `/_sim/requests?since=${from}&writes=true`)) as {
        items: { seq: number; method: string; path: string; status: number }[];
      };
      const seen = new Map<string, number>();
      for (const r of items.filter((x) => x.seq <= to && x.status < 300 && (x.method === "DELETE" || (x.method === "POST" && ONCE.test(x.path))))) {
        seen.set(`${r.method} ${r.path}`, (seen.get(`${r.method} ${r.path}`) ?? 0) + 1);
      }
      return [...seen].filter(([, n]) => n > 1).map(([k, n]) => `${k} ×${n}`);
    };
    const end = await simRequestSeq(sim);
    // With the faults off, which reversible step's change is still in place, and does release offer it?
    await fetch(`${sim.base}/_sim/faults`, { method: "DELETE" });
    const offered = new Set((await releasePlan(incident.id)).map((i) => i.stepId));
    const after = await listRuns(db, incident.id);
    const stillInEffect: string[] = [];
    const unreleasable: string[] = [];
    for (const step of steps.filter((s) => s.undo && after.some((r) => r.step_id === s.id && r.operation === "execute"))) {
      const v = await step.verify(stepContext(incident, step, PARAMS[step.id] ?? {}, after)).catch(() => ({ holds: false }));
      if (!v.holds) continue;
      (offered.has(step.id) ? stillInEffect : unreleasable).push(step.id);
    }
    const duplicates = [...(await repeatedWrites(since, mid)), ...(await repeatedWrites(mid, end))];
    const requests = end - since;

    const runs = await db.selectFrom("step_runs").selectAll().where("incident_id", "=", incident.id).execute();
    const entries = await db.selectFrom("timeline").select(["kind", "details"]).where("incident_id", "=", incident.id).execute();
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
      `faults seed ${seed}: ${outcomes.filter((o) => o.status !== "failed").length}/${outcomes.length} step attempts went through, ${requests} API requests, ${duplicates.length} duplicate(s), ${lost.length} lost entr(ies), ${toRelease.length} released, ${stillInEffect.length} still in effect after failed releases, ${unreleasable.length} in effect but not releasable`,
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
      released: toRelease,
      stillInEffect,
      unreleasable,
    };
  } finally {
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
      result: `${seeds.length} seed(s), ${calls} step attempts (${through} through, ${calls - through} failed with a reason; ${gaveUp} step(s) still failed after ${ATTEMPTS}), ${bad} without an end, ${duplicates} duplicate(s), ${lost} lost entr(ies), ${released} step(s) released (${stillInEffect} still in effect after ${ATTEMPTS} failed releases), ${unreleasable} in effect but not offered for release, chain ${audit.ok ? "verifies" : "BROKEN"}`,
      met: bad === 0 && duplicates === 0 && lost === 0 && unreleasable === 0 && audit.ok,
      details: { seeds, rate: RATE, faults: FAULTS, audit, results },
    };
  },
};
