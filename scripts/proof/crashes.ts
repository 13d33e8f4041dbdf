// Crashes: the console is a real child process (crash-child.ts) executing a step, killed with
// SIGKILL by the executor's crash point (lib/containment/crash-point.ts) at each of four points:
// before the intent, before the API call, before the result, before the verify. Then the console
// restarts (this process, a new replica on the same SQLite file) and runs its background tick
// (lib/replicas/background.ts) every HEARTBEAT_MS, as instrumentation.ts does, until the killed
// replica's lease runs out and the tick reconciles its run (the time it took is measured). Target: no
// run left "running", the run's recorded outcome agrees with the step's verify against the live
// cluster (and with the writes the simulator saw), every run closes on the timeline, the step can
// be run again (its lock released), and the audit chain verifies.
import { spawn } from "node:child_process";
import path from "node:path";
import type { Caller } from "@/lib/auth";
import { currentAnchor } from "@/lib/audit/checkpoint";
import { verifyAudit } from "@/lib/audit/verify";
import { stepContext } from "@/lib/containment/context";
import { CRASH_POINTS, type CrashPoint } from "@/lib/containment/crash-point";
import { executeStep, planStep } from "@/lib/containment/executor";
import { openIncident } from "@/lib/containment/incidents";
import { requireStep } from "@/lib/containment/registry";
import { listRuns } from "@/lib/containment/runs";
import { backgroundTick } from "@/lib/replicas/background";
import { HEARTBEAT_MS, LEASE_TTL_MS } from "@/lib/replicas/lease";
import { getDb } from "@/lib/store";
import { compromisedPod, PAYMENTS, simRequestSeq, simWritesSince, startConsoleSim } from "./console-sim";
import { person } from "./doors";
import { approveAll } from "./faults";
import type { Figure } from "./types";

const ROOT = path.resolve(__dirname, "..", "..");
const STEPS = ["cordon-node", "label-quarantine", "apply-deny-all"];
/** Points after the API call: the change reached the cluster, so the run must end succeeded. */
const CHANGED: CrashPoint[] = ["before-result", "before-verify"];
/** How long the restarted console is watched for closing the run: well past the lease's promise (LEASE_TTL_MS + HEARTBEAT_MS). */
const GIVE_UP_MS = 3 * (LEASE_TTL_MS + HEARTBEAT_MS);

type Case = {
  step: string;
  point: CrashPoint;
  killed: boolean;
  writes: number;
  /** Seconds from the kill until no run of the incident was running (0: the kill left none). */
  closedAfter: number | null;
  status: string;
  holds: boolean;
  agrees: boolean;
  kinds: string[];
  closed: boolean;
  rerun: string;
  problems: string[];
};

/** Runs crash-child.ts as its own Node process and resolves with how it ended. */
function runChild(job: unknown, crashAt: string): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ["--import", "tsx", "--import", "./scripts/proof/server-only-hook.mjs", "scripts/proof/crash-child.ts", JSON.stringify(job)],
      { cwd: ROOT, env: { ...process.env, AIRLOCK_PROOF: "1", AIRLOCK_CRASH_AT: crashAt }, stdio: ["ignore", "ignore", "pipe"] },
    );
    let stderr = "";
    child.stderr.on("data", (d) => (stderr += d));
    child.on("error", reject);
    child.on("exit", (code, signal) => resolve({ code, signal, stderr }));
  });
}

/**
 * The restarted console: its background tick, every HEARTBEAT_MS, until no run of the incident is
 * running. Seconds from the kill, or null when it gave up.
 */
async function restartUntilClosed(incidentId: string): Promise<number | null> {
  const db = await getDb();
  const killedAt = performance.now();
  const running = async () => (await listRuns(db, incidentId)).some((r) => r.status === "running");
  while (await running()) {
    if (performance.now() - killedAt > GIVE_UP_MS) return null;
    await backgroundTick();
    if (!(await running())) break;
    await new Promise((r) => setTimeout(r, HEARTBEAT_MS));
  }
  return Math.round((performance.now() - killedAt) / 100) / 10;
}

async function oneCase(caller: Caller, stepId: string, point: CrashPoint): Promise<Case> {
  const sim = await startConsoleSim();
  try {
    const db = await getDb();
    const step = requireStep(stepId);
    const pod = await compromisedPod(PAYMENTS);
    const incident = await openIncident(caller, { cluster: PAYMENTS, namespace: "shop", pod, title: `proof: crash ${stepId} ${point}` });
    const plan = await planStep(caller, incident.id, stepId);
    const since = await simRequestSeq(sim);
    const child = await runChild({ caller, incidentId: incident.id, stepId, planHash: plan.planHash, confirm: pod }, `${stepId}:${point}`);
    const writes = (await simWritesSince(sim, since)).length;
    const problems: string[] = [];
    const killed = child.signal === "SIGKILL";
    if (!killed) problems.push(`the console was not killed (exit ${child.code}, ${child.stderr.trim().split("\n").pop()})`);

    const closedAfter = await restartUntilClosed(incident.id);
    if (closedAfter === null) problems.push(`still running ${GIVE_UP_MS / 1000} s after the kill`);

    const runs = await listRuns(db, incident.id);
    const run = runs.find((r) => r.step_id === stepId && r.operation === "execute");
    if (runs.some((r) => r.status === "running")) problems.push("a run is still running");
    const live = await step.verify(stepContext(incident, step, {}, runs));
    const status = run?.status ?? "no run";
    const tookEffect = CHANGED.includes(point);
    const agrees = (status === "succeeded") === live.holds && live.holds === tookEffect && writes > 0 === tookEffect;
    if (!agrees) problems.push(`recorded ${status}, verify holds=${live.holds}, ${writes} write(s) before the kill`);

    const entries = await db.selectFrom("timeline").select(["kind", "details"]).where("incident_id", "=", incident.id).orderBy("id").execute();
    const kinds = entries.filter((e) => run && (JSON.parse(e.details) as { runId?: string }).runId === run.id).map((e) => e.kind);
    const closed = kinds.includes("result") || kinds.includes("reconcile");
    if (!closed) problems.push("the run has neither a result nor a reconcile entry");
    if (point !== "before-intent" && !kinds.includes("intent")) problems.push("the intent written before the kill is missing");

    // The operator carries on: the step's lock was released, and running it again makes it hold.
    let rerun: string;
    try {
      const again = await planStep(caller, incident.id, stepId);
      const r = await executeStep(caller, incident.id, stepId, { planHash: again.planHash, confirm: pod }, approveAll("proof-approver@x.com"));
      rerun = `${r.outcome}, holds=${r.verify?.holds}`;
      if (!r.verify?.holds) problems.push(`run again: ${r.message}`);
    } catch (e) {
      rerun = `refused: ${(e as Error).message}`;
      problems.push(rerun);
    }
    return { step: stepId, point, killed, writes, closedAfter, status, holds: live.holds, agrees, kinds, closed, rerun, problems };
  } finally {
    await sim.stop();
  }
}

export const crashes: Figure = {
  id: "crashes",
  title: "kill -9 of the console at 4 points of a step, restart, reconcile",
  target: "0 runs left running, timeline and cluster agree, chain verifies",
  async run({ quick, log }) {
    const db = await getDb();
    const p = await person(db, "proof-crashes@x.com", ["analyst", "lead"]);
    const caller: Caller = { id: p.user.id, email: p.user.email, name: null, roles: ["analyst", "lead"], via: "token" };
    const cases: Case[] = [];
    for (const stepId of quick ? STEPS.slice(0, 1) : STEPS) {
      for (const point of CRASH_POINTS) {
        const c = await oneCase(caller, stepId, point);
        log(
          `crashes: ${stepId} killed ${point}: ${c.killed ? "killed" : "NOT killed"}, run ${c.status} (closed ${c.closedAfter ?? "never"} s after the kill), verify holds=${c.holds}, ${c.problems.length} problem(s)`,
        );
        cases.push(c);
      }
    }
    const audit = await verifyAudit(db, currentAnchor());
    const running = (await db.selectFrom("step_runs").select("id").where("status", "=", "running").execute()).length;
    const bad = cases.filter((c) => c.problems.length);
    const slowest = Math.max(0, ...cases.map((c) => c.closedAfter ?? Infinity));
    return {
      result: `${cases.length} kills (${cases.filter((c) => c.killed).length} by SIGKILL), ${running} run(s) left running (reconciled ≤ ${slowest} s after the kill), ${cases.filter((c) => c.agrees).length}/${cases.length} agree with the cluster, ${cases.filter((c) => c.rerun.startsWith("refused")).length} re-run(s) refused, chain ${audit.ok ? "verifies" : "BROKEN"}`,
      met: bad.length === 0 && running === 0 && audit.ok,
      details: { steps: quick ? STEPS.slice(0, 1) : STEPS, points: CRASH_POINTS, audit, cases },
    };
  },
};
