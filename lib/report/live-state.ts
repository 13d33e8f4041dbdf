import "server-only";
import type { StepVerifier } from "@/lib/containment/board";
import type { StepRunRow } from "@/lib/containment/db";
import { runInEffect } from "@/lib/containment/runs";
import { getStep } from "@/lib/containment/registry";
import type { LiveCheck } from "./types";

/**
 * What is still in place, read live: every step whose change is in effect (runInEffect) and was
 * not undone is asked to `verify` now through `verify`, the same verifier the report's board reads
 * (each step is read once per report, with its params and the records of earlier runs). A verify
 * that cannot reach the API reports "does not hold" with a readable reason; the report is still built.
 */
export async function liveState(runs: StepRunRow[], verify: StepVerifier): Promise<LiveCheck[]> {
  const inPlace = new Map<string, StepRunRow>();
  for (const r of runs) {
    if (r.operation !== "execute") continue;
    const latest = runInEffect(runs, r.step_id);
    if (latest) inPlace.set(r.step_id, latest);
  }
  const ordered = [...inPlace.values()].sort((a, b) => (a.started_at < b.started_at ? -1 : a.started_at > b.started_at ? 1 : 0));
  const out: LiveCheck[] = [];
  for (const run of ordered) {
    const step = getStep(run.step_id);
    if (!step) continue;
    const { holds, message } = await verify(step.id);
    out.push({ stepId: step.id, title: step.title, risk: step.risk, executedAt: run.finished_at ?? run.started_at, executedBy: run.actor, holds, message });
  }
  return out;
}
