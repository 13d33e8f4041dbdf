import "server-only";
import { randomUUID } from "node:crypto";
import { HttpError } from "@/lib/http/errors";
import { heartbeat, liveReplicas, replicaId } from "@/lib/replicas/lease";
import { isUniqueViolation, type Db } from "@/lib/store";
import { type RunOperation, type RunStatus, type StepRunRow } from "./db";

/**
 * Takes the lock on (incident, step) by inserting the run as "running"; the partial unique index
 * lets one such row exist per pair, so a second request (or a second replica) is refused with
 * 409 here rather than racing the first through the APIs. The lock is released by finishRun,
 * or by reconcile once the replica that owns the run is gone.
 */
export async function startRun(
  db: Db,
  run: {
    incidentId: string;
    stepId: string;
    operation: RunOperation;
    planHash: string | null;
    params: unknown;
    actor: string;
    role: string | null;
    record?: unknown;
  },
): Promise<StepRunRow> {
  const row: StepRunRow = {
    id: randomUUID(),
    incident_id: run.incidentId,
    step_id: run.stepId,
    operation: run.operation,
    status: "running",
    plan_hash: run.planHash,
    params: JSON.stringify(run.params ?? {}),
    record: run.record === undefined ? null : JSON.stringify(run.record),
    message: null,
    actor: run.actor,
    role: run.role,
    started_at: new Date().toISOString(),
    finished_at: null,
  };
  try {
    // The run and its owner land together, with the owner's liveness renewed: another replica
    // never sees a running run whose owner it cannot tell is alive.
    await db.transaction().execute(async (trx) => {
      await trx.insertInto("step_runs").values(row).execute();
      await trx.insertInto("step_run_owners").values({ run_id: row.id, replica: replicaId() }).execute();
      await heartbeat(trx);
    });
  } catch (err) {
    if (isUniqueViolation(err)) {
      throw new HttpError(409, `Step ${run.stepId} is already running for this incident; wait for it to finish`, { reason: "already-running" });
    }
    throw err;
  }
  return row;
}

/** Ends a run (and with it the lock). Only a run still "running" changes: reconcile and a late finisher cannot both win. */
export async function finishRun(
  db: Db,
  runId: string,
  outcome: { status: Exclude<RunStatus, "running">; message: string; record?: unknown },
): Promise<boolean> {
  const res = await db
    .updateTable("step_runs")
    .set({
      status: outcome.status,
      message: outcome.message,
      finished_at: new Date().toISOString(),
      ...(outcome.record !== undefined ? { record: JSON.stringify(outcome.record) } : {}),
    })
    .where("id", "=", runId)
    .where("status", "=", "running")
    .executeTakeFirst();
  return Number(res.numUpdatedRows) > 0;
}

/** Marks an executed run as undone once its undo succeeded (a noop in effect too), so release and priorRecord skip it. */
export async function markUndone(db: Db, runId: string): Promise<void> {
  await db.updateTable("step_runs").set({ status: "undone" }).where("id", "=", runId).where("status", "in", ["succeeded", "noop"]).execute();
}

export async function listRuns(db: Db, incidentId: string): Promise<StepRunRow[]> {
  return db.selectFrom("step_runs").selectAll().where("incident_id", "=", incidentId).orderBy("started_at", "asc").orderBy("id", "asc").execute();
}

export async function runningRuns(db: Db): Promise<StepRunRow[]> {
  return db.selectFrom("step_runs").selectAll().where("status", "=", "running").orderBy("started_at", "asc").execute();
}

export type OwnedRun = StepRunRow & { owner: string | null };

async function runningWithOwners(db: Db): Promise<OwnedRun[]> {
  const runs = await runningRuns(db);
  if (runs.length === 0) return [];
  const owners = await db
    .selectFrom("step_run_owners")
    .selectAll()
    .where(
      "run_id",
      "in",
      runs.map((r) => r.id),
    )
    .execute();
  const ownerOf = new Map(owners.map((o) => [o.run_id, o.replica]));
  return runs.map((r) => ({ ...r, owner: ownerOf.get(r.id) ?? null }));
}

/** Runs left "running" by a replica that is gone (its liveness lease ran out), or by a console from before owners were recorded. */
export async function orphanedRuns(db: Db): Promise<OwnedRun[]> {
  const live = await liveReplicas(db);
  return (await runningWithOwners(db)).filter((r) => r.owner === null || !live.has(r.owner));
}

/** The runs this replica is running now. */
export async function runsOwnedBy(db: Db, replica: string): Promise<OwnedRun[]> {
  return (await runningWithOwners(db)).filter((r) => r.owner === replica);
}

/** The latest successful, not undone execution of a step. */
export function latestSucceeded(runs: StepRunRow[], stepId: string): StepRunRow | undefined {
  return runs.filter((r) => r.step_id === stepId && r.operation === "execute" && r.status === "succeeded").at(-1);
}

/** A step's executions since its last undo that took effect, oldest first: what that undo reversed is behind it. */
function sinceLastUndo(runs: StepRunRow[], stepId: string): StepRunRow[] {
  const mine = runs.filter((r) => r.step_id === stepId);
  const lastUndo = mine.findLastIndex((r) => r.operation === "undo" && (r.status === "succeeded" || r.status === "noop"));
  return mine.slice(lastUndo + 1).filter((r) => r.operation === "execute");
}

/** A run that failed after storing its record (ctx.keepRecord, just before its change): the change may have landed. */
function failedAfterRecord(r: StepRunRow): boolean {
  return r.status === "failed" && r.record !== null;
}

/**
 * The execution whose change is in effect and not undone: what release lists and undo reverses.
 * The latest that succeeded; else a noop that found in place what an earlier failed run set out
 * to do (its record stored before the call): that change landed although the run's answer was
 * lost, and it is Airlock's to release. A noop with no such run before it found the state as
 * someone else left it, and stays out of release. Else the last run that failed after storing its
 * record: whether its change landed only a read can tell, so release lists it and its undo plan
 * reads the state (an undo that finds nothing to change says so and takes it off the list);
 * leaving it out would leave a change that did land with no way back.
 */
export function runInEffect(runs: StepRunRow[], stepId: string): StepRunRow | undefined {
  const since = sinceLastUndo(runs, stepId);
  const succeeded = since.findLast((r) => r.status === "succeeded");
  if (succeeded) return succeeded;
  const noop = since.findLastIndex((r) => r.status === "noop");
  if (noop > 0 && since.slice(0, noop).some(failedAfterRecord)) return since[noop];
  return since.slice(noop + 1).findLast(failedAfterRecord);
}

/**
 * The run whose stored record holds what Airlock's change replaced: what priorRecord returns and
 * undo restores from. The latest record of the runs since the last undo that made the change or
 * set out to (succeeded, or failed after storing it) and of the noops after them; a noop before
 * any of those only found the state as it was.
 */
export function recordRunInEffect(runs: StepRunRow[], stepId: string): StepRunRow | undefined {
  const since = sinceLastUndo(runs, stepId);
  const first = since.findIndex((r) => r.status === "succeeded" || failedAfterRecord(r));
  if (first < 0) return undefined;
  return since.slice(first).findLast((r) => r.record !== null && (r.status === "succeeded" || r.status === "noop" || failedAfterRecord(r)));
}

/**
 * Stores the record on a run still running, before its step changes anything: a run that then
 * fails (its answer dropped after the API applied the change) keeps what undo needs.
 */
export async function keepRecord(db: Db, runId: string, record: unknown): Promise<void> {
  await db
    .updateTable("step_runs")
    .set({ record: JSON.stringify(record) })
    .where("id", "=", runId)
    .where("status", "=", "running")
    .execute();
}

/** Whether a step's effect is in place for the incident: an execution succeeded (or was already done) after its last undo. */
export function tookEffect(runs: StepRunRow[], stepId: string): boolean {
  return sinceLastUndo(runs, stepId).some((r) => r.status === "succeeded" || r.status === "noop");
}

export function parseRecord(row: StepRunRow | undefined): Record<string, unknown> | undefined {
  if (!row?.record) return undefined;
  try {
    return JSON.parse(row.record) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

export async function appendProgress(db: Db, runId: string, message: string, detail?: Record<string, unknown>): Promise<void> {
  await db
    .insertInto("step_progress")
    .values({ run_id: runId, at: new Date().toISOString(), message: message.slice(0, 1000), detail: JSON.stringify(detail ?? {}) })
    .execute();
}

export type ProgressLine = { id: number; at: string; message: string; detail: Record<string, unknown> };

export async function listProgress(db: Db, runId: string, afterId = 0): Promise<ProgressLine[]> {
  const rows = await db
    .selectFrom("step_progress")
    .selectAll()
    .where("run_id", "=", runId)
    .where("id", ">", afterId)
    .orderBy("id", "asc")
    .limit(1000)
    .execute();
  return rows.map((r) => ({ id: r.id, at: r.at, message: r.message, detail: JSON.parse(r.detail) as Record<string, unknown> }));
}
