import "server-only";
import { listEntries, type TimelineEntry } from "@/lib/audit/append";
import { getDb } from "@/lib/store";
import { requiresApproval } from "./approvals";
import type { StepRunRow } from "./db";
import { EVIDENCE_STEP, lockedUntilEvidence, needsConfirmation } from "./executor";
import { requireIncident } from "./incidents";
import { listProgress, listRuns, parseRecord, type ProgressLine } from "./runs";
import { preflight, type Preflight, type StepPreflight } from "./preflight";
import { releaseByHand, releasePlan, type ByHandItem, type ReleaseItem } from "./release";
import { requireStep, stepsByStage } from "./registry";
import type { Incident, Risk, StageId } from "./types";
import type { StepUi } from "./ui";

export type StepStatus = "not-run" | "running" | "succeeded" | "noop" | "failed" | "undone";

export type RunSummary = {
  runId: string;
  operation: string;
  status: string;
  message: string | null;
  actor: string;
  startedAt: string;
  finishedAt: string | null;
  planHash: string | null;
  /** When the run's effect is expected to hold (apply-deny-all's propagation window), from its record. */
  effectiveAt: string | null;
};

export type StepSummary = {
  id: string;
  title: string;
  summary: string;
  risk: Risk;
  role: string;
  reversible: boolean;
  requiresApproval: boolean;
  requiresConfirmation: boolean;
  lockedUntilEvidence: boolean;
  /** The step that must succeed before this one may run (the evidence lock), or null. */
  lockedUntilStep: string | null;
  /** What the wizard shows for this step (form, panel, undo sentence): plain data from its descriptor. */
  ui: StepUi;
  status: StepStatus;
  lastRun: RunSummary | null;
  preflight: StepPreflight | null;
};

export type IncidentDetail = {
  incident: Incident;
  preflight: Preflight;
  stages: { stage: StageId; title: string; steps: StepSummary[] }[];
  release: ReleaseItem[];
  /** Irreversible steps that left work for a person after release (an abandoned VM to delete). */
  releaseByHand: ByHandItem[];
};

function summarize(r: StepRunRow): RunSummary {
  return {
    runId: r.id,
    operation: r.operation,
    status: r.status,
    message: r.message,
    actor: r.actor,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
    planHash: r.plan_hash,
    effectiveAt: effectiveAtOf(r),
  };
}

function effectiveAtOf(r: StepRunRow): string | null {
  const at = parseRecord(r)?.effectiveAt;
  return typeof at === "string" ? at : null;
}

/** A step's state from its runs: the last run decides; a succeeded undo means the step is undone. */
export function stepStatus(runs: StepRunRow[], stepId: string): { status: StepStatus; last: StepRunRow | null } {
  const mine = runs.filter((r) => r.step_id === stepId);
  const last = mine.at(-1) ?? null;
  if (!last) return { status: "not-run", last };
  if (last.operation === "undo") {
    if (last.status === "running") return { status: "running", last };
    if (last.status === "succeeded" || last.status === "noop") return { status: "undone", last };
    // A failed undo leaves the step in force: report the execution it tried to reverse.
    const exec = mine.filter((r) => r.operation === "execute").at(-1);
    return { status: (exec?.status as StepStatus) ?? "failed", last };
  }
  return { status: last.status as StepStatus, last };
}

/** Targets, live preflight, every step's status grouped by stage, and what release would undo. */
export async function incidentDetail(id: string): Promise<IncidentDetail> {
  const incident = await requireIncident(id);
  const db = await getDb();
  const [runs, pf, release, byHand] = await Promise.all([listRuns(db, id), preflight(incident), releasePlan(id), releaseByHand(id)]);
  return {
    incident,
    preflight: pf,
    release,
    releaseByHand: byHand,
    stages: stepsByStage().map((g) => ({
      stage: g.stage,
      title: g.title,
      steps: g.steps.map((s) => {
        const { status, last } = stepStatus(runs, s.id);
        return {
          id: s.id,
          title: s.title,
          summary: s.summary,
          risk: s.risk,
          role: s.role,
          reversible: typeof s.undo === "function",
          requiresApproval: requiresApproval(s),
          requiresConfirmation: needsConfirmation(s),
          lockedUntilEvidence: lockedUntilEvidence(s),
          lockedUntilStep: lockedUntilEvidence(s) ? EVIDENCE_STEP : null,
          ui: s.ui ?? {},
          status,
          lastRun: last ? summarize(last) : null,
          preflight: pf.steps.find((p) => p.stepId === s.id) ?? null,
        };
      }),
    })),
  };
}

export async function incidentTimeline(id: string, opts: { afterId?: number; limit?: number } = {}): Promise<TimelineEntry[]> {
  await requireIncident(id);
  return listEntries(await getDb(), { incidentId: id, ...opts });
}

/** Progress lines of the step's latest run (a drain's per-pod lines), for polling while it runs. */
export async function stepProgress(
  incidentId: string,
  stepId: string,
  afterId = 0,
): Promise<{ run: RunSummary | null; lines: ProgressLine[] }> {
  await requireIncident(incidentId);
  requireStep(stepId);
  const db = await getDb();
  const last = (await listRuns(db, incidentId)).filter((r) => r.step_id === stepId).at(-1);
  if (!last) return { run: null, lines: [] };
  return { run: summarize(last), lines: await listProgress(db, last.id, afterId) };
}

