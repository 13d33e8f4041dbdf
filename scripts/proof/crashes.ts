// Crashes: a `next start` replica of the production build (A), started with AIRLOCK_PROOF=1 and
// AIRLOCK_CRASH_AT=<step>:<point>, is sent a step's execute over HTTP and SIGKILLs itself at the
// executor's crash point (lib/containment/crash-point.ts): before the intent, before the API call,
// before the result, before the verify; the connection drops with it. Then the console restarts: a
// new replica (B) on the same database and simulator, without the crash setting, whose background
// tick (instrumentation.ts, every HEARTBEAT_MS) reconciles the run once the dead replica's lease
// runs out (the time from the kill is measured). Target: no run left "running", the run's recorded
// outcome agrees with the step's verify against the live cluster (and with the writes the
// simulator saw), every run closes on the timeline, the step can be run again through B (its lock
// released), and the audit chain verifies. Both replicas use the proof's scratch SQLite file, which
// this process reads to check the record.
import { currentAnchor } from "@/lib/audit/checkpoint";
import { verifyAudit } from "@/lib/audit/verify";
import { stepContext } from "@/lib/containment/context";
import { CRASH_POINTS, type CrashPoint } from "@/lib/containment/crash-point";
import { requireIncident } from "@/lib/containment/incidents";
import { requireStep } from "@/lib/containment/registry";
import { listRuns } from "@/lib/containment/runs";
import { HEARTBEAT_MS, LEASE_TTL_MS } from "@/lib/replicas/lease";
import { getDb } from "@/lib/store";
import { callReplica, hasExited, killReplicas, logTail, stopReplicas, type Replica } from "../production-console";
import { compromisedPod, PAYMENTS, simRequestSeq, simWritesSince, startConsoleSim } from "./console-sim";
import { person } from "./doors";
import { proofReplica } from "./proof-replica";
import type { Figure } from "./types";

const STEPS = ["cordon-node", "label-quarantine", "apply-deny-all"];
/** Points after the API call: the change reached the cluster, so the run must end succeeded. */
const CHANGED: CrashPoint[] = ["before-result", "before-verify"];
/** How long the restarted console is watched for closing the run once it is ready: well past the lease's promise (LEASE_TTL_MS + HEARTBEAT_MS). */
const GIVE_UP_MS = 3 * (LEASE_TTL_MS + HEARTBEAT_MS);
/** How long a killed replica's process may take to be reported gone after its connection dropped. */
const EXIT_WAIT_MS = 10_000;

type Case = {
  step: string;
  point: CrashPoint;
  killed: boolean;
  /** What the execute call got back: the connection dropping is what a killed replica gives. */
  answer: string;
  writes: number;
  /** Seconds from the kill until no run of the incident was running, the restart's start-up included (0: the kill left none). */
  closedAfter: number | null;
  status: string;
  holds: boolean;
  agrees: boolean;
  kinds: string[];
  closed: boolean;
  rerun: string;
  problems: string[];
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Resolves with the time (performance.now()) the replica's process ended, or null if it is still running after `ms`. */
function whenExited(r: Replica, ms: number): Promise<number | null> {
  if (hasExited(r)) return Promise.resolve(performance.now());
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(null), ms);
    r.child.once("exit", () => {
      clearTimeout(timer);
      resolve(performance.now());
    });
  });
}

/** Polls the database until no run of the incident is running: seconds since `killedAt`, or null when it gave up. */
async function untilClosed(incidentId: string, killedAt: number, giveUpAt: number): Promise<number | null> {
  const db = await getDb();
  while ((await listRuns(db, incidentId)).some((r) => r.status === "running")) {
    if (performance.now() > giveUpAt) return null;
    await sleep(250);
  }
  return Math.round((performance.now() - killedAt) / 100) / 10;
}

async function oneCase(token: string, stepId: string, point: CrashPoint, log: (line: string) => void): Promise<Case> {
  const sim = await startConsoleSim();
  const replicas: Replica[] = [];
  try {
    const db = await getDb();
    const step = requireStep(stepId);
    const pod = await compromisedPod(PAYMENTS);
    const a = await proofReplica("crashes", sim, log, { AIRLOCK_PROOF: "1", AIRLOCK_CRASH_AT: `${stepId}:${point}` });
    replicas.push(a);
    const opened = await callReplica(a, "POST", "/api/v1/incidents", token, {
      cluster: PAYMENTS,
      namespace: "shop",
      pod,
      title: `proof: crash ${stepId} ${point}`,
    });
    if (opened.status !== 201) throw new Error(`opening the incident answered ${opened.status}`);
    const incidentId = opened.body.id as string;
    const url = `/api/v1/incidents/${incidentId}/steps/${stepId}`;
    const plan = await callReplica(a, "POST", `${url}/plan`, token, {});
    if (plan.status !== 200) throw new Error(`planning answered ${plan.status}`);

    const since = await simRequestSeq(sim);
    let answer: string;
    try {
      const r = await callReplica(a, "POST", `${url}/execute`, token, { planHash: plan.body.planHash, confirm: pod });
      answer = `${r.status} ${r.body.outcome ?? r.body.error?.message ?? ""}`.trim();
    } catch (e) {
      answer = `connection dropped (${((e as Error).cause as Error | undefined)?.message ?? (e as Error).message})`;
    }
    const exitedAt = await whenExited(a, EXIT_WAIT_MS);
    const killed = a.child.signalCode === "SIGKILL";
    const problems: string[] = [];
    if (!killed) {
      problems.push(`replica A was not killed: the execute answered ${answer}, ${exitedAt === null ? "still running" : `exit ${a.child.exitCode}`}`);
      log(`crashes: replica A's last output: ${logTail(a, 600)}`);
      await killReplicas([a]);
    }
    const killedAt = exitedAt ?? performance.now();
    const writes = (await simWritesSince(sim, since)).length;

    // A kill after the result leaves nothing running: nothing for the restart to close.
    const leftRunning = (await listRuns(db, incidentId)).some((r) => r.status === "running");
    // The restart: a new replica on the same database, without the crash setting.
    const b = await proofReplica("crashes", sim, log);
    replicas.push(b);
    const closedAfter = leftRunning ? await untilClosed(incidentId, killedAt, performance.now() + GIVE_UP_MS) : 0;
    if (closedAfter === null) problems.push(`still running ${GIVE_UP_MS / 1000} s after the restarted replica was ready`);

    const runs = await listRuns(db, incidentId);
    const run = runs.find((r) => r.step_id === stepId && r.operation === "execute");
    if (runs.some((r) => r.status === "running")) problems.push("a run is still running");
    const live = await step.verify(stepContext(await requireIncident(incidentId), step, {}, runs));
    const status = run?.status ?? "no run";
    const tookEffect = CHANGED.includes(point);
    const agrees = (status === "succeeded") === live.holds && live.holds === tookEffect && writes > 0 === tookEffect;
    if (!agrees) problems.push(`recorded ${status}, verify holds=${live.holds}, ${writes} write(s) before the kill`);

    const entries = await db.selectFrom("timeline").select(["kind", "details"]).where("incident_id", "=", incidentId).orderBy("id").execute();
    const kinds = entries.filter((e) => run && (JSON.parse(e.details) as { runId?: string }).runId === run.id).map((e) => e.kind);
    const closed = kinds.includes("result") || kinds.includes("reconcile");
    if (!closed) problems.push("the run has neither a result nor a reconcile entry");
    if (point !== "before-intent" && !kinds.includes("intent")) problems.push("the intent written before the kill is missing");

    // The operator carries on through the restarted replica: the step's lock was released, and running it again makes it hold.
    let rerun: string;
    const again = await callReplica(b, "POST", `${url}/plan`, token, {});
    const r = again.status === 200 ? await callReplica(b, "POST", `${url}/execute`, token, { planHash: again.body.planHash, confirm: pod }) : again;
    if (r.status === 200) {
      rerun = `${r.body.outcome}, holds=${r.body.verify?.holds}`;
      if (!r.body.verify?.holds) problems.push(`run again: ${r.body.message}`);
    } else {
      rerun = `refused: ${r.status} ${r.body.error?.message ?? ""}`.trim();
      problems.push(rerun);
    }
    return { step: stepId, point, killed, answer, writes, closedAfter, status, holds: live.holds, agrees, kinds, closed, rerun, problems };
  } finally {
    await stopReplicas(replicas);
    await sim.stop();
  }
}

export const crashes: Figure = {
  id: "crashes",
  title: "kill -9 of a production replica at 4 points of a step, restart, reconcile",
  target: "0 runs left running, timeline and cluster agree, chain verifies",
  async run({ quick, log }) {
    const db = await getDb();
    const p = await person(db, "proof-crashes@x.com", ["analyst", "lead"]);
    const cases: Case[] = [];
    for (const stepId of quick ? STEPS.slice(0, 1) : STEPS) {
      for (const point of CRASH_POINTS) {
        const c = await oneCase(p.token.token, stepId, point, log);
        log(
          `crashes: ${stepId} killed ${point}: ${c.killed ? "killed" : "NOT killed"} (execute: ${c.answer}), run ${c.status} (closed ${c.closedAfter ?? "never"} s after the kill), verify holds=${c.holds}, ${c.problems.length} problem(s)`,
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
