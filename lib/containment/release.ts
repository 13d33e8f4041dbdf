import "server-only";
import { getDb } from "@/lib/store";
import { undoGates, undoNoopReason } from "./executor";
import { readRecord, recordSchema, stepContext } from "./context";
import type { StepRunRow } from "./db";
import type { AnyStep, Incident } from "./types";
import { requireIncident } from "./incidents";
import { listRuns, recordRunInEffect, runInEffect } from "./runs";
import { getStep } from "./registry";

export type ReleaseItem = {
  stepId: string;
  title: string;
  runId: string;
  executedAt: string;
  executedBy: string;
  requiresConfirmation: boolean;
  /** Whether the approval policy gates this release (by default network, node-network and credentials isolations). */
  requiresApproval: boolean;
  /** The step's own sentence for what undoing it puts back (its descriptor's ui.undoEffect). */
  undoEffect: string | null;
  /** Why undoing would change nothing now (the pod is gone …), or null; such an undo asks no typing. */
  noop: string | null;
  /** The run failed after it set out to make its change: whether the change landed only the undo's read can tell. */
  runFailed: boolean;
};

/** A step that took effect, cannot be undone, and leaves work for a person (its descriptor's ui.releaseNote). */
export type ByHandItem = {
  stepId: string;
  title: string;
  runId: string;
  executedAt: string;
  executedBy: string;
  note: string;
  /** The run's own message (names the object, e.g. the VM to delete). */
  message: string | null;
};

/**
 * What release cannot undo and a person must finish by hand (an abandoned VM to delete), so
 * the release card says so instead of letting "nothing to release" read as done.
 */
export async function releaseByHand(incidentId: string): Promise<ByHandItem[]> {
  await requireIncident(incidentId);
  return byHandItems(await listRuns(await getDb(), incidentId));
}

/** releaseByHand from runs already read (incidentDetail reads them once for everything it shows). */
export function byHandItems(runs: StepRunRow[]): ByHandItem[] {
  const items: ByHandItem[] = [];
  for (const r of runsInEffect(runs)) {
    const step = getStep(r.step_id);
    if (!step || step.undo || !step.ui?.releaseNote) continue;
    items.push({
      stepId: r.step_id,
      title: step.title,
      runId: r.id,
      executedAt: r.finished_at ?? r.started_at,
      executedBy: r.actor,
      note: step.ui.releaseNote,
      message: r.message,
    });
  }
  return items;
}

/**
 * Release from quarantine: every reversible step that took effect and is not undone yet, newest
 * first (uncordon after restoring labels, delete the deny-all before restoring the policies it
 * relied on …). Each item is undone on its own with its reviewed undo plan (planUndo), confirmed,
 * approved where the policy gates it, and logged like any step.
 */
export async function releasePlan(incidentId: string): Promise<ReleaseItem[]> {
  const incident = await requireIncident(incidentId);
  return releaseItems(incident, await listRuns(await getDb(), incidentId));
}

/** The release card as the API answers it: what release undoes and what is left by hand, from one read of the runs. */
export async function releaseCard(incidentId: string): Promise<{ items: ReleaseItem[]; byHand: ByHandItem[] }> {
  const incident = await requireIncident(incidentId);
  const runs = await listRuns(await getDb(), incidentId);
  return { items: await releaseItems(incident, runs), byHand: byHandItems(runs) };
}

/** releasePlan from the incident and runs already read; each item's live read (undoNoop) runs at once. */
export async function releaseItems(incident: Incident, runs: StepRunRow[]): Promise<ReleaseItem[]> {
  const reversible = runsInEffect(runs).flatMap((r) => {
    const step = getStep(r.step_id);
    return step?.undo ? [{ r, step }] : [];
  });
  const items = await Promise.all(
    reversible.map(async ({ r, step }): Promise<ReleaseItem> => {
      const noop = await noopOf(incident, step, r, runs);
      return {
        stepId: r.step_id,
        title: step.title,
        runId: r.id,
        executedAt: r.finished_at ?? r.started_at,
        executedBy: r.actor,
        ...undoGates(step, noop),
        undoEffect: step.ui?.undoEffect ?? null,
        noop,
        runFailed: r.status === "failed",
      };
    }),
  );
  return items.sort((a, b) => (a.executedAt < b.executedAt ? 1 : a.executedAt > b.executedAt ? -1 : 0));
}

/** Each step's execution in effect (runInEffect: succeeded, a noop that found a failed run's change in place, or a failed run that may have made it), in first-run order. */
function runsInEffect(runs: StepRunRow[]): StepRunRow[] {
  const steps = [...new Set(runs.filter((r) => r.operation === "execute").map((r) => r.step_id))];
  return steps.flatMap((id) => runInEffect(runs, id) ?? []);
}

/** Why undoing would change nothing now, as the undo plan says it; a record that does not parse counts as "ask". */
async function noopOf(incident: Incident, step: AnyStep, run: StepRunRow, runs: StepRunRow[]): Promise<string | null> {
  let record: unknown;
  try {
    record = readRecord(step.id, recordSchema(step), recordRunInEffect(runs, step.id));
  } catch {
    return null;
  }
  return undoNoopReason(step, stepContext(incident, step, JSON.parse(run.params), runs), record);
}
