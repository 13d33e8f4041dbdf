import "server-only";
import { notify } from "@/lib/notify";
import { appendEntry } from "@/lib/audit/append";
import { hasRole, meetsRequirement, type Caller } from "@/lib/auth/roles";
import { HttpError, isHttpError } from "@/lib/http/errors";
import { fieldErrorsOf } from "@/lib/http/zod-errors";
import { isTransient, statusOf, withRetry } from "@/lib/kube/retry";
import { evidenceSink } from "@/lib/evidence/sink";
import { stepTimer } from "@/lib/observe/metrics";
import { refuseWhileShuttingDown } from "@/lib/replicas/accepting";
import { getDb } from "@/lib/store";
import { protectedNamespaces } from "@/lib/approvals/policy";
import { approvalFor, requiresApproval, requiresUndoApproval, type ApprovalConsumer, type ApprovalLookup, type ApprovedOperation } from "./approvals";
import type { StepRunRow } from "./db";
import { readableReason } from "./errors";
import { requireIncident, roleLabel, timelineTargets } from "./incidents";
import { appendProgress, finishRun, keepRecord, listRuns, markUndone, recordRunInEffect, runInEffect, startRun } from "./runs";
import { planHash as hashPlan } from "./plan-hash";
import { requireStep } from "./registry";
import { crashPoint } from "./crash-point";
import { settleStatus } from "./status";
import { readRecord, recordSchema, stepContext } from "./context";
import { RISK_ORDER } from "./types";
import type {
  AnyStep,
  StepDefinition,
  ExecuteResult,
  Incident,
  JsonObject,
  Plan,
  PlanLock,
  PlanView,
  Risk,
  RiskRaise,
  StepContext,
  StepPlan,
  UndoPlanView,
  VerifyResult,
} from "./types";

/** The step that must have succeeded before eradication may start. */
export const EVIDENCE_STEP = "collect-evidence";
export const MIN_OVERRIDE_REASON = 10;

const EVIDENCE_LOCK: PlanLock = {
  id: "evidence-first",
  message: `Eradicate steps stay locked until "${EVIDENCE_STEP}" has succeeded for this incident`,
  skips: "evidence is being skipped",
};

export type ExecuteInput = { planHash: string; confirm?: string; params?: Record<string, unknown>; overrideReason?: string };
/** `planHash` is the undo plan's (planUndo): required, like execute's; optional in the type only so older callers still compile and get a 400. */
export type UndoInput = { confirm?: string; planHash?: string };

/**
 * What the executor consults beyond the step itself, given by each caller rather than found in
 * a global: the doors pass the console's approval lookup, tests their own. No lookup, no
 * approvals: a step that needs one is refused.
 */
export type ExecuteGates = { approvals?: ApprovalLookup; consumeApproval?: ApprovalConsumer };

export type RunOutcome = {
  runId: string;
  stepId: string;
  operation: "execute" | "undo";
  outcome: "success" | "noop";
  message: string;
  verify: VerifyResult | null;
};

/** Retry transient API failures and 409 conflicts on update; never a deliberate HttpError from a step. */
const RETRY = {
  attempts: 3,
  retryOn: (err: unknown) => !isHttpError(err) && (isTransient(err) || statusOf(err) === 409),
};

/** Typing the pod's name is asked for disruptive and destructive steps, and for plans raised to those. */
export function needsConfirmation(stepOrPlan: Pick<StepDefinition, "risk">): boolean {
  return stepOrPlan.risk === "disruptive" || stepOrPlan.risk === "destructive";
}

/**
 * The target's namespace is one where nothing is routine (kube-system, PROTECTED_NAMESPACES):
 * every plan there that changes something is destructive. Read-only steps (evidence, probes)
 * change nothing, so they stay as they are: collecting evidence should never wait.
 */
function namespaceRaise(step: AnyStep, incident: Incident): RiskRaise[] {
  const ns = incident.targets.namespace;
  if (step.risk === "read-only" || !protectedNamespaces().includes(ns)) return [];
  const why = ns === "kube-system" ? "the cluster's own components run there" : "listed in PROTECTED_NAMESPACES";
  return [{ risk: "destructive", reason: `The target is in namespace ${ns} (${why}): every step there needs an approver's sign-off.` }];
}

/** The highest of the step's risk and every raise above it, with the reasons of those raises. */
function raisedRisk(stepRisk: Risk, raises: RiskRaise[]): { risk: Risk; reasons: string[] } {
  const above = raises.filter((r) => RISK_ORDER.indexOf(r.risk) > RISK_ORDER.indexOf(stepRisk));
  const risk = above.reduce<Risk>((max, r) => (RISK_ORDER.indexOf(r.risk) > RISK_ORDER.indexOf(max) ? r.risk : max), stepRisk);
  return { risk, reasons: above.map((r) => r.reason) };
}

/** Eradicate steps that change something wait for evidence; read-only ones (runtime commands) run nothing. */
export function lockedUntilEvidence(step: Pick<StepDefinition, "stage" | "risk">): boolean {
  return step.stage === "eradicate" && step.risk !== "read-only";
}

/** The step's params as its schema returns them (defaults applied), or a 400 naming each bad field. */
export function validateParams(step: AnyStep, params: unknown): JsonObject {
  if (!step.params) return {};
  const parsed = step.params.safeParse(params ?? {});
  if (!parsed.success) throw new HttpError(400, "Invalid step parameters", { fieldErrors: fieldErrorsOf(parsed.error) });
  return parsed.data ?? {};
}

/**
 * Steps may put client-node model instances (V1LabelSelector, Date) in plans and records; from
 * the step's return on they are data to hash, store, show and send through either door, so
 * plain JSON. The test harness applies the same, so a step sees the same data in tests.
 */
export function plainJson<T>(value: T): T {
  return JSON.parse(JSON.stringify(value));
}

/** The step's role or a 403 (the runbook engine checks every step of a runbook with it). */
export function requireRole(caller: Caller, step: AnyStep): void {
  if (!meetsRequirement(caller, step.role)) {
    throw new HttpError(403, `Running "${step.title}" needs the ${step.role} role`, { reason: "role" });
  }
}

/**
 * Runs the step's plan and seals it with its hash. No timeline entry: planStep and executeStep
 * decide that. The step test harness calls this too: one kernel, one hash.
 */
export async function computePlan(step: AnyStep, ctx: StepContext): Promise<Plan> {
  let raw: StepPlan;
  try {
    raw = await withRetry(() => step.plan(ctx), RETRY);
  } catch (err) {
    const r = readableReason(err, { step: step.id, phase: "plan" });
    throw new HttpError(r.status >= 400 && r.status < 500 ? r.status : 502, `Could not plan "${step.title}": ${r.message}`);
  }
  const { raise, ...plain } = plainJson(raw);
  const data: JsonObject = plain.data ?? {};
  const { risk, reasons } = raisedRisk(step.risk, [...(raise ?? []), ...namespaceRaise(step, ctx.incident)]);
  const raised = risk === step.risk ? undefined : { risk, reasons };
  return {
    ...plain,
    data,
    stepId: step.id,
    risk,
    ...(raised ? { riskReasons: reasons } : {}),
    planHash: hashPlan({ stepId: step.id, params: ctx.params, changes: plain.changes, data, raised }),
  };
}

/** A sealed plan as people and both doors see it. */
export function view(step: AnyStep, plan: Plan): PlanView {
  return {
    stepId: step.id,
    planHash: plan.planHash,
    risk: plan.risk,
    ...(plan.riskReasons ? { riskReasons: plan.riskReasons } : {}),
    changes: plan.changes,
    commands: plan.commands,
    warnings: plan.warnings,
    requiresApproval: requiresApproval(step, plan.risk),
    // Nothing to change, nothing to confirm: typing the pod's name is for a change to it.
    requiresConfirmation: needsConfirmation(plan) && !plan.noop,
    ...(plan.blocked ? { blocked: plan.blocked } : {}),
    ...(plan.waitsFor ? { waitsFor: plan.waitsFor } : {}),
    ...(plan.lock ? { lock: plan.lock } : {}),
    ...(plan.noop ? { noop: true } : {}),
    ...(plan.dryRun ? { dryRun: plan.dryRun } : {}),
  };
}

/** Plans a step for review: validates params (400, no API call), plans live, logs a `plan` entry. */
export async function planStep(caller: Caller, incidentId: string, stepId: string, params?: Record<string, unknown>): Promise<PlanView> {
  const incident = await requireIncident(incidentId);
  const step = requireStep(stepId);
  const p = validateParams(step, params);
  const db = await getDb();
  const plan = await computePlan(step, stepContext(incident, step, p, await listRuns(db, incidentId)));
  await appendEntry(db, {
    actor: caller.email,
    role: roleLabel(caller),
    incidentId,
    stepId,
    kind: "plan",
    targets: timelineTargets(incident.targets),
    planHash: plan.planHash,
    details: {
      risk: plan.risk,
      ...(plan.riskReasons ? { riskReasons: plan.riskReasons } : {}),
      params: p,
      changes: plan.changes,
      commands: plan.commands,
      warnings: plan.warnings.map((w) => w.code),
      ...(plan.blocked ? { blocked: plan.blocked } : {}),
      ...(plan.lock ? { lock: plan.lock.id } : {}),
      ...(plan.noop ? { noop: true } : {}),
    },
  });
  return view(step, plan);
}

/** The approver's reason for waiving a lock, or the refusal that says what is missing. */
function overrideOf(caller: Caller, lock: PlanLock, reason: string | undefined): { lock: string; reason: string } {
  if (reason === undefined) throw new HttpError(409, lock.message, { reason: lock.id });
  if (!hasRole(caller, "approver")) throw new HttpError(403, `Only an approver may override this lock (${lock.id})`, { reason: "role" });
  if (reason.trim().length < MIN_OVERRIDE_REASON) {
    throw new HttpError(400, `Say why ${lock.skips}`, { fieldErrors: { overrideReason: [`at least ${MIN_OVERRIDE_REASON} characters`] } });
  }
  return { lock: lock.id, reason: reason.trim() };
}

async function hasEvidence(runs: StepRunRow[]): Promise<boolean> {
  return runs.some((r) => r.step_id === EVIDENCE_STEP && r.operation === "execute" && (r.status === "succeeded" || r.status === "noop"));
}

async function verifySafely(step: AnyStep, ctx: StepContext): Promise<VerifyResult> {
  try {
    return await withRetry(() => step.verify(ctx), RETRY);
  } catch (err) {
    return { holds: false, checked: false, message: `Could not verify: ${readableReason(err, { step: step.id, phase: "verify" }).message}` };
  }
}

/**
 * Executes a reviewed plan, durably: checks role, freshness of the plan, confirmation, the
 * evidence lock and approval; takes the (incident, step) lock; writes the intent BEFORE any
 * change; executes with bounded retries; writes the result and a verification.
 */
export async function executeStep(caller: Caller, incidentId: string, stepId: string, input: ExecuteInput, gates: ExecuteGates = {}): Promise<RunOutcome> {
  refuseWhileShuttingDown();
  const incident = await requireIncident(incidentId);
  const step = requireStep(stepId);
  return recordRefusal(caller, incident, step, "execute", () => executeChecked(caller, incident, step, input, gates));
}

/**
 * A refused attempt to change a cluster (wrong role, stale plan, missing confirmation, evidence
 * lock, no approval, already running) is part of what a lead reviews: it goes on the timeline
 * with its reason, then the refusal reaches the caller unchanged.
 */
async function recordRefusal<T>(caller: Caller, incident: Incident, step: AnyStep, operation: "execute" | "undo", attempt: () => Promise<T>): Promise<T> {
  try {
    return await attempt();
  } catch (err) {
    if (isHttpError(err) && err.status >= 400 && err.status < 500) {
      await appendEntry(await getDb(), {
        actor: caller.email,
        role: roleLabel(caller),
        incidentId: incident.id,
        stepId: step.id,
        kind: "refused",
        targets: timelineTargets(incident.targets),
        details: { operation, status: err.status, ...(err.reason ? { reason: err.reason } : {}), message: err.message },
      });
    }
    throw err;
  }
}

async function executeChecked(caller: Caller, incident: Incident, step: AnyStep, input: ExecuteInput, gates: ExecuteGates): Promise<RunOutcome> {
  const incidentId = incident.id;
  const stepId = step.id;
  requireRole(caller, step);
  const params = validateParams(step, input.params);
  const db = await getDb();
  const runs = await listRuns(db, incidentId);

  const plan = await computePlan(step, stepContext(incident, step, params, runs));
  if (plan.planHash !== input.planHash) {
    // An approval is bound to the hash it was given for: a changed plan also needs a new one.
    const message = requiresApproval(step, plan.risk)
      ? "The plan changed since you reviewed it; review the new plan. It needs a new approval"
      : "The plan changed since you reviewed it; review the new plan";
    throw new HttpError(409, message, { reason: "plan-changed" });
  }
  if (plan.blocked) throw new HttpError(409, plan.blocked, { reason: "blocked" });
  if (needsConfirmation(plan) && !plan.noop && input.confirm !== incident.targets.pod) {
    throw new HttpError(400, `Type the pod's name (${incident.targets.pod}) to confirm this ${plan.risk} step`, {
      fieldErrors: { confirm: [`must be exactly ${incident.targets.pod}`] },
      reason: "confirmation",
    });
  }

  // The executor's own lock (evidence before eradication) and a step's (its plan's `lock`) are
  // waived the same way: by an approver, with a reason that goes on the timeline.
  const lock = lockedUntilEvidence(step) && !(await hasEvidence(runs)) ? EVIDENCE_LOCK : plan.lock;
  const override = lock ? overrideOf(caller, lock, input.overrideReason) : undefined;

  const approvalId = requiresApproval(step, plan.risk) ? await requireApproval(gates, incidentId, step, plan.planHash, "execute") : undefined;

  const run = await startRun(db, {
    incidentId,
    stepId,
    operation: "execute",
    planHash: plan.planHash,
    params,
    actor: caller.email,
    role: roleLabel(caller),
  });
  if (approvalId) await useApproval(db, gates, approvalId, run.id, "execute");
  crashPoint(stepId, "before-intent");
  const targets = timelineTargets(incident.targets);
  const entry = { actor: caller.email, role: roleLabel(caller), incidentId, stepId, targets, planHash: plan.planHash };
  try {
    if (override) await appendEntry(db, { ...entry, kind: "override", details: { runId: run.id, lock: override.lock, reason: override.reason } });
    await appendEntry(db, {
      ...entry,
      kind: "intent",
      details: {
        runId: run.id,
        operation: "execute",
        risk: plan.risk,
        ...(plan.riskReasons ? { riskReasons: plan.riskReasons } : {}),
        params,
        changes: plan.changes,
        commands: plan.commands,
        ...(approvalId ? { approvalId } : {}),
      },
    });
  } catch (err) {
    // Nothing was changed yet: without its intent on the timeline the step must not run.
    await finishRun(db, run.id, { status: "failed", message: "The intent could not be recorded; nothing was changed" });
    throw err;
  }

  // What this run stored before a write (ctx.keepRecord), and which try of execute is running.
  let kept: JsonObject | undefined;
  let tries = 0;
  // Steps that collect evidence store each artifact as they read it (hash re-checked, one timeline entry each).
  const base = stepContext(incident, step, params, runs, {
    progress: (message, detail) => appendProgress(db, run.id, message, detail),
    // The entry covers the run row as it now stands (lib/audit/covers.ts), as evidence-stored entries do mid-run.
    keepRecord: async (record) => {
      kept = plainJson(record);
      await keepRecord(db, run.id, kept);
      await appendEntry(db, {
        ...entry,
        kind: "record-kept",
        details: { runId: run.id, operation: "execute", message: "What the step is about to change is recorded before the call, for its release." },
      });
    },
    artifacts: evidenceSink({ db, incidentId, stepId, runId: run.id, actor: caller.email, role: roleLabel(caller), targets }),
  });
  // A retry of execute within this run builds on what an earlier try stored: that try's write may have landed.
  const ctx: typeof base = { ...base, priorRecord: () => (kept === undefined ? base.priorRecord() : recordSchema(step).parse(kept)) };
  let result: ExecuteResult;
  const timer = stepTimer(stepId, "execute");
  crashPoint(stepId, "before-call");
  try {
    result = await withRetry((attempt) => {
      tries = attempt;
      return step.execute(ctx, plan);
    }, RETRY);
    // A retry that finds in place what an earlier try of this run stored its record for: that try's
    // write landed and its answer was lost. The change is this run's, released with that record.
    if (result.outcome === "noop" && tries > 1 && kept !== undefined) {
      result = {
        ...result,
        outcome: "success",
        message: `An earlier try of this run made the change (its answer was lost); the retry found: ${result.message}`,
        record: result.record ?? kept,
      };
    }
  } catch (err) {
    timer.done("failed");
    const reason = readableReason(err, { step: step.id, phase: "execute", run: run.id });
    await finishRun(db, run.id, { status: "failed", message: reason.message });
    await appendEntry(db, { ...entry, kind: "result", details: { runId: run.id, operation: "execute", outcome: "failure", message: reason.message } });
    const verify = await verifySafely(step, ctx);
    await appendEntry(db, { ...entry, kind: "verify", details: { runId: run.id, operation: "execute", holds: verify.holds, message: verify.message } });
    notify({ kind: "step-failed", incidentId, incidentTitle: incident.title, stepId, stepTitle: step.title, actor: caller.email, message: reason.message });
    throw new HttpError(502, `"${step.title}" failed: ${reason.message}`, { reason: "step-failed" });
  }

  crashPoint(stepId, "before-result");
  timer.done(result.outcome === "noop" ? "noop" : "succeeded");
  await finishRun(db, run.id, { status: result.outcome === "noop" ? "noop" : "succeeded", message: result.message, record: result.record });
  await appendEntry(db, { ...entry, kind: "result", details: { runId: run.id, operation: "execute", outcome: result.outcome, message: result.message } });
  crashPoint(stepId, "before-verify");
  // Verify reads what this run did: its record is only in the runs read after finishRun.
  const verify = result.verdict ?? (await verifySafely(step, stepContext(incident, step, params, await listRuns(db, incidentId))));
  await appendEntry(db, { ...entry, kind: "verify", details: { runId: run.id, operation: "execute", holds: verify.holds, message: verify.message } });
  await settleStatus(
    db,
    incidentId,
    { operation: "execute", outcome: result.outcome, step },
    { stepId, runId: run.id, actor: caller.email, role: roleLabel(caller), targets: incident.targets },
  );
  return { runId: run.id, stepId, operation: "execute", outcome: result.outcome, message: result.message, verify };
}

/** The approval that lets this plan run, or the 403 that says it is missing (the lookup throws its own, sharper reasons). */
async function requireApproval(gates: ExecuteGates, incidentId: string, step: AnyStep, planHash: string, operation: ApprovedOperation): Promise<string> {
  const approval = await approvalFor(gates.approvals, incidentId, step.id, planHash, operation);
  if (!approval) {
    const what = operation === "undo" ? `Undoing "${step.title}"` : `"${step.title}"`;
    throw new HttpError(403, `${what} requires an approver's sign-off for this plan`, { reason: "approval-required" });
  }
  return approval.id;
}

/**
 * Uses up the approval for this run, under the run's (incident, step) lock, so two runs cannot
 * both spend it. When it was spent already, the run ends failed before anything changed.
 */
async function useApproval(db: Awaited<ReturnType<typeof getDb>>, gates: ExecuteGates, approvalId: string, runId: string, operation: ApprovedOperation) {
  try {
    await gates.consumeApproval?.(approvalId, { runId, operation });
  } catch (err) {
    await finishRun(db, runId, { status: "failed", message: "The approval was already used by another run; nothing was changed" });
    throw err;
  }
}

/**
 * The step's own word that undoing would change nothing now, or null. Read-only; when it cannot
 * tell (an API error) the answer is null, so the confirmation is asked rather than skipped.
 */
export async function undoNoopReason(step: AnyStep, ctx: StepContext, record: unknown): Promise<string | null> {
  if (!step.undoNoop) return null;
  try {
    return await step.undoNoop(ctx, record);
  } catch {
    return null;
  }
}

/**
 * What an undo asks for, given why it would change nothing (or null): nothing to restore
 * re-exposes nothing, so like the typed name the sign-off is only for a change. The undo plan
 * and the release list both read it, so they agree.
 */
export function undoGates(step: AnyStep, noopReason: string | null): { requiresApproval: boolean; requiresConfirmation: boolean } {
  return { requiresApproval: requiresUndoApproval(step) && !noopReason, requiresConfirmation: needsConfirmation(step) && !noopReason };
}

/** What undoing reads: the run it reverses, that run's params and the stored, parsed record of the change (priorRecord's). */
type UndoSubject = { done: StepRunRow; params: JsonObject; record: unknown; runs: StepRunRow[] };

async function undoSubject(step: AnyStep, incidentId: string): Promise<UndoSubject> {
  if (!step.undo) throw new HttpError(400, `"${step.title}" cannot be undone`, { reason: "not-reversible" });
  const runs = await listRuns(await getDb(), incidentId);
  const done = runInEffect(runs, step.id);
  if (!done) throw new HttpError(409, `"${step.title}" has no successful run to undo`, { reason: "nothing-to-undo" });
  try {
    return { done, params: JSON.parse(done.params), record: readRecord(step.id, recordSchema(step), recordRunInEffect(runs, step.id)), runs };
  } catch (err) {
    throw new HttpError(409, err instanceof Error ? err.message : String(err), { reason: "unreadable-record" });
  }
}

/**
 * The undo's plan: which run it reverses and the record it restores from, hashed like an
 * execution plan so an approval of the release covers exactly this run and this record.
 */
async function computeUndoPlan(step: AnyStep, incident: Incident, s: UndoSubject): Promise<UndoPlanView> {
  const restores = s.record ?? null;
  const effect = step.ui?.undoEffect ?? null;
  const changes: Plan["changes"] = [
    { target: `${step.title} (run ${s.done.id})`, action: "patch", note: effect ?? "Reverses this step with the record of its run." },
  ];
  const noopReason = await undoNoopReason(step, stepContext(incident, step, s.params, s.runs), s.record);
  return {
    stepId: step.id,
    operation: "undo",
    undoes: s.done.id,
    planHash: hashPlan({ stepId: step.id, params: { operation: "undo", undoes: s.done.id }, changes, data: { restores } }),
    risk: step.risk,
    changes,
    commands: [],
    warnings: noopReason ? [{ level: "info", code: "undo-noop", message: `Nothing to change now: ${noopReason}` }] : [],
    restores,
    effect,
    noopReason,
    // The executor re-plans at undo time, so an undo that would change something after all is refused.
    ...undoGates(step, noopReason),
    ...(noopReason ? { noop: true } : {}),
  };
}

/**
 * Plans the undo (release) of a step's latest run for review, and logs a `plan` entry for it.
 * Like planStep it only reads, so it checks no step role: the approver who signs off a release
 * sees what it restores; undoing it (undoStep) checks the step's role.
 */
export async function planUndo(caller: Caller, incidentId: string, stepId: string): Promise<UndoPlanView> {
  const incident = await requireIncident(incidentId);
  const step = requireStep(stepId);
  const plan = await computeUndoPlan(step, incident, await undoSubject(step, incidentId));
  await appendEntry(await getDb(), {
    actor: caller.email,
    role: roleLabel(caller),
    incidentId,
    stepId,
    kind: "plan",
    targets: timelineTargets(incident.targets),
    planHash: plan.planHash,
    details: { operation: "undo", undoes: plan.undoes, risk: plan.risk, restores: plan.restores, requiresApproval: plan.requiresApproval },
  });
  return plan;
}

/**
 * Reverses the latest successful run of a reversible step with its stored record, with the same
 * discipline as execute: the reviewed undo plan's hash, confirmation, the approval policy for
 * releases, the run lock, intent first.
 */
export async function undoStep(caller: Caller, incidentId: string, stepId: string, input: UndoInput = {}, gates: ExecuteGates = {}): Promise<RunOutcome> {
  refuseWhileShuttingDown();
  const incident = await requireIncident(incidentId);
  const step = requireStep(stepId);
  return recordRefusal(caller, incident, step, "undo", () => undoChecked(caller, incident, step, input, gates));
}

async function undoChecked(caller: Caller, incident: Incident, step: AnyStep, input: UndoInput, gates: ExecuteGates): Promise<RunOutcome> {
  const incidentId = incident.id;
  const stepId = step.id;
  if (!step.undo) throw new HttpError(400, `"${step.title}" cannot be undone`, { reason: "not-reversible" });
  requireRole(caller, step);
  if (!input.planHash) {
    throw new HttpError(400, "Review the undo plan first", { fieldErrors: { planHash: ["the planHash of the undo plan you reviewed (POST …/undo/plan)"] } });
  }
  const db = await getDb();
  const subject = await undoSubject(step, incidentId);
  const { done, params, record, runs } = subject;
  const plan = await computeUndoPlan(step, incident, subject);
  if (plan.planHash !== input.planHash) {
    const message = plan.requiresApproval
      ? "The undo plan changed since you reviewed it; review the new plan. It needs a new approval"
      : "The undo plan changed since you reviewed it; review the new plan";
    throw new HttpError(409, message, { reason: "plan-changed" });
  }
  if (plan.requiresConfirmation && input.confirm !== incident.targets.pod) {
    throw new HttpError(400, `Type the pod's name (${incident.targets.pod}) to confirm undoing this ${step.risk} step`, {
      fieldErrors: { confirm: [`must be exactly ${incident.targets.pod}`] },
      reason: "confirmation",
    });
  }
  const approvalId = plan.requiresApproval ? await requireApproval(gates, incidentId, step, plan.planHash, "undo") : undefined;
  const run = await startRun(db, {
    incidentId,
    stepId,
    operation: "undo",
    planHash: plan.planHash,
    params,
    actor: caller.email,
    role: roleLabel(caller),
    record: { undoes: done.id },
  });
  if (approvalId) await useApproval(db, gates, approvalId, run.id, "undo");
  const entry = { actor: caller.email, role: roleLabel(caller), incidentId, stepId, targets: timelineTargets(incident.targets), planHash: plan.planHash };
  try {
    await appendEntry(db, {
      ...entry,
      kind: "intent",
      details: { runId: run.id, operation: "undo", undoes: done.id, record: record ?? null, ...(approvalId ? { approvalId } : {}) },
    });
  } catch (err) {
    await finishRun(db, run.id, { status: "failed", message: "The intent could not be recorded; nothing was changed" });
    throw err;
  }
  const ctx = stepContext(incident, step, params, runs, { progress: (message, detail) => appendProgress(db, run.id, message, detail) });
  let result: ExecuteResult;
  const timer = stepTimer(stepId, "undo");
  try {
    result = await withRetry(() => step.undo!(ctx, record), RETRY);
  } catch (err) {
    timer.done("failed");
    const reason = readableReason(err, { step: step.id, phase: "undo", run: run.id });
    await finishRun(db, run.id, { status: "failed", message: reason.message });
    await appendEntry(db, { ...entry, kind: "undo", details: { runId: run.id, undoes: done.id, outcome: "failure", message: reason.message } });
    throw new HttpError(502, `Undoing "${step.title}" failed: ${reason.message}`, { reason: "step-failed" });
  }
  timer.done(result.outcome === "noop" ? "noop" : "succeeded");
  await finishRun(db, run.id, { status: result.outcome === "noop" ? "noop" : "succeeded", message: result.message, record: { undoes: done.id } });
  await markUndone(db, done.id);
  await appendEntry(db, { ...entry, kind: "undo", details: { runId: run.id, undoes: done.id, outcome: result.outcome, message: result.message } });
  // After an undo the step should no longer hold; verify reports what is live.
  const verify = await verifySafely(step, stepContext(incident, step, params, await listRuns(db, incidentId)));
  await appendEntry(db, { ...entry, kind: "verify", details: { runId: run.id, operation: "undo", holds: verify.holds, message: verify.message } });
  await settleStatus(
    db,
    incidentId,
    { operation: "undo", outcome: result.outcome, step },
    { stepId, runId: run.id, actor: caller.email, role: roleLabel(caller), targets: incident.targets },
  );
  return { runId: run.id, stepId, operation: "undo", outcome: result.outcome, message: result.message, verify };
}
