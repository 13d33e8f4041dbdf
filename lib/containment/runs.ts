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

/** Marks an executed run as undone once its undo succeeded, so release and priorRecord skip it. */
export async function markUndone(db: Db, runId: string): Promise<void> {
  await db.updateTable("step_runs").set({ status: "undone" }).where("id", "=", runId).where("status", "=", "succeeded").execute();
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

/** The latest successful, not undone execution of a step: what undo reverses and priorRecord returns. */
export function latestSucceeded(runs: StepRunRow[], stepId: string): StepRunRow | undefined {
  return runs.filter((r) => r.step_id === stepId && r.operation === "execute" && r.status === "succeeded").at(-1);
}

/** Whether a step's effect is in place for the incident: an execution succeeded (or was already done) after its last undo. */
export function tookEffect(runs: StepRunRow[], stepId: string): boolean {
  const mine = runs.filter((r) => r.step_id === stepId && (r.status === "succeeded" || r.status === "noop"));
  const lastUndo = mine.findLastIndex((r) => r.operation === "undo");
  return mine.slice(lastUndo + 1).some((r) => r.operation === "execute");
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
