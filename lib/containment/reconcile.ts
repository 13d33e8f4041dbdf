import "server-only";
import { appendEntry } from "@/lib/audit/append";
import { logError, newRef } from "@/lib/http/log";
import { countInterrupted } from "@/lib/observe/metrics";
import { log } from "@/lib/observe/logger";
import { getDb, type Db } from "@/lib/store";
import type { StepRunRow } from "./db";
import { readableReason } from "./errors";
import { getIncident, timelineTargets } from "./incidents";
import { stepContext } from "./context";
import { finishRun, listRuns, markUndone, orphanedRuns, parseRecord } from "./runs";
import { getStep } from "./registry";

/** The actor the timeline shows for what Airlock itself did on start. */
export const SYSTEM_ACTOR = "airlock";

export type Reconciled = {
  runId: string;
  incidentId: string;
  stepId: string;
  operation: string;
  holds: boolean | null;
  markedAs: "succeeded" | "failed";
  message: string;
};

/** Why a run is being closed without its own result, as the timeline says it. */
export const CAUSES = {
  restart: "its console stopped before recording a result",
  replicaGone: "the console replica running it stopped answering",
  shutdown: "the console shut down (SIGTERM) before the step finished",
} as const;

/**
 * A run still "running" with nobody to finish it had its intent written but no result: the
 * process died between them, or shut down first. The live state is the only truth left, so ask
 * the step's verify, record what it found as a `reconcile` entry, and close the run (which
 * releases its lock). Which runs, and why, the caller says: the replicas pass `orphanedRuns`
 * (owner gone) or their own runs at shutdown. No default: "every running run" is only safe for
 * a console that is alone, and with several replicas would close runs another one is running.
 */
export async function reconcileInterrupted(select: (db: Db) => Promise<StepRunRow[]>, cause: string): Promise<Reconciled[]> {
  const db = await getDb();
  const out: Reconciled[] = [];
  for (const run of await select(db)) {
    const incident = await getIncident(run.incident_id);
    const step = getStep(run.step_id);
    let holds: boolean | null = null;
    let message: string;
    if (!incident || !step) {
      message = !incident ? "The incident no longer exists" : `The step "${run.step_id}" no longer exists in this version`;
    } else {
      const runs = await listRuns(db, run.incident_id);
      const ctx = stepContext(incident, step, JSON.parse(run.params), runs);
      try {
        const v = await step.verify(ctx);
        holds = v.holds;
        message = v.message;
      } catch (err) {
        message = `Could not verify: ${readableReason(err, { step: run.step_id, phase: "reconcile" }).message}`;
      }
    }
    // An execute that holds took effect; an undo took effect when the step no longer holds.
    const tookEffect = holds === null ? false : run.operation === "undo" ? !holds : holds;
    const markedAs = tookEffect ? "succeeded" : "failed";
    const finished = await finishRun(db, run.id, {
      status: markedAs,
      message: `Interrupted: ${cause}; verify found: ${message}`,
    });
    if (!finished) continue; // another replica reconciled or finished it first
    countInterrupted(run.step_id, run.operation);
    if (tookEffect && run.operation === "undo") {
      const undoes = parseRecord(run)?.undoes;
      if (typeof undoes === "string" && undoes) await markUndone(db, undoes);
    }
    await appendEntry(db, {
      actor: SYSTEM_ACTOR,
      role: null,
      incidentId: run.incident_id,
      stepId: run.step_id,
      kind: "reconcile",
      targets: incident ? timelineTargets(incident.targets) : [],
      planHash: run.plan_hash,
      details: { runId: run.id, operation: run.operation, startedBy: run.actor, cause, holds, markedAs, message },
    });
    out.push({ runId: run.id, incidentId: run.incident_id, stepId: run.step_id, operation: run.operation, holds, markedAs, message });
  }
  return out;
}

/**
 * Closes the runs whose replica is gone, logging what was found. Never throws: an unreachable
 * cluster must not keep the console down; its runs stay "running" (and locked) until the next
 * pass, which the step's status shows. Runs under the "reconcile" lease (lib/replicas).
 */
export async function reconcileOrphans(): Promise<Reconciled[]> {
  try {
    const found = await reconcileInterrupted(orphanedRuns, CAUSES.replicaGone);
    if (found.length) log().info({ runs: found.map((f) => ({ runId: f.runId, stepId: f.stepId, markedAs: f.markedAs })) }, "reconciled interrupted steps");
    return found;
  } catch (err) {
    logError(newRef(), err, { door: "background", what: "reconcile" });
    return [];
  }
}
