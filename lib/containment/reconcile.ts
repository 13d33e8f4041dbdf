import "server-only";
import { appendEntry } from "@/lib/audit/append";
import { logError, newRef } from "@/lib/http/log";
import { getDb } from "@/lib/store";
import { readableReason } from "./errors";
import { getIncident, timelineTargets } from "./incidents";
import { stepContext } from "./context";
import { finishRun, listRuns, markUndone, parseRecord, runningRuns } from "./runs";
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

/**
 * A run still "running" when the console starts had its intent written but no result: the
 * process died between them. The live state is the only truth left, so ask the step's verify,
 * record what it found as a `reconcile` entry, and close the run (which releases its lock).
 * Assumes one console process per database: a second live console's runs would look interrupted.
 */
export async function reconcileInterrupted(): Promise<Reconciled[]> {
  const db = await getDb();
  const out: Reconciled[] = [];
  for (const run of await runningRuns(db)) {
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
      message: `Interrupted by a console restart; on start, verify found: ${message}`,
    });
    if (!finished) continue; // another process reconciled or finished it first
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
      details: { runId: run.id, operation: run.operation, startedBy: run.actor, holds, markedAs, message },
    });
    out.push({ runId: run.id, incidentId: run.incident_id, stepId: run.step_id, operation: run.operation, holds, markedAs, message });
  }
  return out;
}

/**
 * Server start: reconcile in the background and log what was found. Never throws: an
 * unreachable cluster must not keep the console down; its runs stay "running" (and locked)
 * until the next start, which the step's status shows.
 */
export function reconcileOnStart(): Promise<void> {
  return reconcileInterrupted().then(
    (found) => {
      if (found.length) {
        console.log(
          JSON.stringify({
            level: "info",
            msg: "reconciled interrupted steps",
            runs: found.map((f) => ({ runId: f.runId, stepId: f.stepId, markedAs: f.markedAs })),
          }),
        );
      }
    },
    (err: unknown) => {
      const ref = newRef();
      logError(ref, err, { door: "startup", what: "reconcile" });
    },
  );
}
