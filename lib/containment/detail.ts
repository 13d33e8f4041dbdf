import "server-only";
import { listEntries, type TimelineEntry } from "@/lib/audit/append";
import { getDb } from "@/lib/store";
import { requiresApproval } from "./approvals";
import type { StepRunRow } from "./db";
import { EVIDENCE_STEP, lockedUntilEvidence, needsConfirmation } from "./executor";
import { requireIncident } from "./incidents";
import { listProgress, listRuns, parseRecord, type ProgressLine } from "./runs";
import { preflight, type Preflight, type StepPreflight } from "./preflight";
import { byHandItems, releaseItems, type ByHandItem, type ReleaseItem } from "./release";
import { requireStep, stepsByStage } from "./registry";
import { attestationAge, attestIsolation, type Attestation } from "./steps/attest-isolation";
import type { Incident, Risk, StageId } from "./types";
import type { StepUi } from "./ui";

/**
 * "succeeded"/"noop" only once the run's verification held; a run whose verification did not
 * hold is "not-contained" (a step that isolates or checks isolation) or "not-holding" (any
 * other), and one with no verification on record (yet) is "unverified". Green only when verified.
 */
export type StepStatus = "not-run" | "running" | "succeeded" | "noop" | "unverified" | "not-holding" | "not-contained" | "failed" | "undone";

/** What the executor's verification of a run found (its `verify` timeline entry). */
export type RunVerdict = { holds: boolean; message: string; at: string };

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
  /** The run's verification, or null when none is on record (still running, or older data). */
  verdict: RunVerdict | null;
  /** attest-isolation's finding (steps whose panel is "attestation"): every probe and a verdict per layer. */
  attestation?: AttestationView | null;
};

/** An attestation as the wizard shows it: the record without the document's body (its hash and size stay), and its age. */
export type AttestationView = Omit<Attestation, "document"> & { document: { name: string; sha256: string; size: number }; ageMinutes: number };

function attestationView(r: StepRunRow): AttestationView | null {
  const parsed = attestIsolation.record.safeParse(parseRecord(r));
  if (!parsed.success) return null;
  const { document, ...rest } = parsed.data;
  return { ...rest, document: { name: document.name, sha256: document.sha256, size: document.size }, ageMinutes: attestationAge(parsed.data.at) };
}

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
  /** Its verification says whether the pod is cut off (isolating stages, probes included): a failed one reads "not contained". */
  checksContainment: boolean;
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

function summarize(r: StepRunRow, verdicts: Map<string, RunVerdict> = new Map()): RunSummary {
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
    verdict: verdicts.get(r.id) ?? null,
  };
}

/** Each run's verification, from the `verify` entries the executor writes after every run. */
export function verdictsOf(entries: Pick<TimelineEntry, "kind" | "details" | "at">[]): Map<string, RunVerdict> {
  const out = new Map<string, RunVerdict>();
  for (const e of entries) {
    const d = e.details ?? {};
    if (e.kind === "verify" && typeof d.runId === "string" && typeof d.holds === "boolean") {
      out.set(d.runId, { holds: d.holds, message: typeof d.message === "string" ? d.message : "", at: e.at });
    }
  }
  return out;
}

/** Steps whose verification says whether the pod is cut off: the isolating stages, probes included. */
const CONTAINMENT_STAGES: ReadonlySet<StageId> = new Set<StageId>(["isolate", "network", "node-network"]);

/**
 * The status the wizard shows: a run that ran is green only once its verification held. Undo
 * runs keep "undone" (after an undo the effect is meant to be gone). `run` is the run the status
 * is of (stepStatus's `decidedBy`).
 */
export function shownStatus(status: StepStatus, run: StepRunRow | null, verdicts: Map<string, RunVerdict>, stage: StageId): StepStatus {
  if (!run || run.operation !== "execute" || (status !== "succeeded" && status !== "noop")) return status;
  const v = verdicts.get(run.id);
  if (!v) return "unverified";
  if (v.holds) return status;
  return CONTAINMENT_STAGES.has(stage) ? "not-contained" : "not-holding";
}

function effectiveAtOf(r: StepRunRow): string | null {
  const at = parseRecord(r)?.effectiveAt;
  return typeof at === "string" ? at : null;
}

/**
 * A step's state from its runs: the last run decides; a succeeded undo means the step is undone.
 * `decidedBy` is the run whose status `status` is (the last run, or the execution a failed undo
 * left in force): its verification is the one shownStatus reads.
 */
export function stepStatus(runs: StepRunRow[], stepId: string): { status: StepStatus; last: StepRunRow | null; decidedBy: StepRunRow | null } {
  const mine = runs.filter((r) => r.step_id === stepId);
  const last = mine.at(-1) ?? null;
  if (!last) return { status: "not-run", last, decidedBy: null };
  if (last.operation === "undo") {
    if (last.status === "running") return { status: "running", last, decidedBy: last };
    if (last.status === "succeeded" || last.status === "noop") return { status: "undone", last, decidedBy: last };
    // A failed undo leaves the step in force: report the execution it tried to reverse, and its verification.
    const exec = mine.filter((r) => r.operation === "execute").at(-1) ?? null;
    return { status: (exec?.status as StepStatus) ?? "failed", last, decidedBy: exec };
  }
  return { status: last.status as StepStatus, last, decidedBy: last };
}

/** Targets, live preflight, every step's status grouped by stage, and what release would undo. */
export async function incidentDetail(id: string): Promise<IncidentDetail> {
  const incident = await requireIncident(id);
  const db = await getDb();
  const runs = await listRuns(db, id);
  const [pf, release, entries] = await Promise.all([preflight(incident, runs), releaseItems(incident, runs), listEntries(db, { incidentId: id, limit: 5000 })]);
  const byHand = byHandItems(runs);
  const verdicts = verdictsOf(entries);
  return {
    incident,
    preflight: pf,
    release,
    releaseByHand: byHand,
    stages: stepsByStage().map((g) => ({
      stage: g.stage,
      title: g.title,
      steps: g.steps.map((s) => {
        const { status, last, decidedBy } = stepStatus(runs, s.id);
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
          checksContainment: CONTAINMENT_STAGES.has(s.stage),
          status: shownStatus(status, decidedBy, verdicts, s.stage),
          lastRun: last
            ? {
                ...summarize(last, verdicts),
                ...(s.ui?.panel?.kind === "attestation" && last.operation === "execute" ? { attestation: attestationView(last) } : {}),
              }
            : null,
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
export async function stepProgress(incidentId: string, stepId: string, afterId = 0): Promise<{ run: RunSummary | null; lines: ProgressLine[] }> {
  await requireIncident(incidentId);
  requireStep(stepId);
  const db = await getDb();
  const last = (await listRuns(db, incidentId)).filter((r) => r.step_id === stepId).at(-1);
  if (!last) return { run: null, lines: [] };
  return { run: summarize(last), lines: await listProgress(db, last.id, afterId) };
}
