import "server-only";
import { createHash } from "node:crypto";
import { canonicalJson } from "@/lib/audit/canonical";
import { appendEntry } from "@/lib/audit/append";
import type { Caller } from "@/lib/auth/roles";
import { config } from "@/lib/config";
import { HttpError, isHttpError } from "@/lib/http/errors";
import { logError, newRef } from "@/lib/http/log";
import { getDb } from "@/lib/store";
import type { StepRunRow } from "../db";
import { readRecord, recordSchema, stepContext } from "../context";
import { computePlan, executeStep, requireRole, validateParams, view, type ExecuteGates } from "../executor";
import { requireIncident, roleLabel, timelineTargets } from "../incidents";
import { listRuns, tookEffect } from "../runs";
import { requireStep } from "../registry";
import type { AnyStep, Incident, JsonObject, Plan, PlanView, VerifyResult } from "../types";
import { findRunbook, PROPAGATION_STEP, type Runbook, type RunbookStep } from "./definitions";
import { refuseWhileShuttingDown } from "@/lib/replicas/accepting";

/** The warning code of a plan whose change the cluster will not enforce (apply-deny-all on a cluster without NetworkPolicy). */
const NO_EFFECT_WARNING = "no-enforcement";

export type RunbookStepView = PlanView & { title: string; afterPropagation: boolean };

/** The combined plan: every step's plan in order, sealed by one hash over theirs. */
export type RunbookPlanView = {
  runbookId: string;
  title: string;
  summary: string;
  incidentId: string;
  planHash: string;
  steps: RunbookStepView[];
  /** Why the runbook cannot run now (a step's own block, a lock no earlier step lifts, missing evidence). */
  blocked?: string;
  /** The NetworkPolicy propagation window the runbook waits out before its check, in seconds. */
  propagationSeconds: number | null;
  /** Typing the pod's name once confirms every step (false only when nothing would change). */
  requiresConfirmation: boolean;
  /** Steps the approval policy gates: the runbook stops before each until its plan is approved. */
  needsApproval: string[];
};

export type RunbookStepStatus = "success" | "noop" | "failed" | "awaiting-approval" | "not-run";

export type RunbookStepResult = {
  stepId: string;
  title: string;
  status: RunbookStepStatus;
  runId?: string;
  message?: string;
  verify?: VerifyResult | null;
  ms?: number;
};

export type RunbookResult = {
  runbookId: string;
  incidentId: string;
  planHash: string;
  /** contained: every step ran and holds. The others say where it stopped and why; later steps did not run. */
  state: "contained" | "not-contained" | "failed" | "awaiting-approval";
  message: string;
  steps: RunbookStepResult[];
  /** The wait for the NetworkPolicy to take effect, apart from the steps' own time. */
  propagation: { until: string; waitedMs: number } | null;
  totalMs: number;
};

export type RunbookParams = Record<string, Record<string, unknown> | undefined>;

type Sealed = { runbook: Runbook; incident: Incident; steps: { ref: RunbookStep; step: AnyStep; params: JsonObject; plan: Plan }[]; view: RunbookPlanView };

export function requireRunbook(id: string): Runbook {
  const runbook = findRunbook(id);
  if (!runbook) throw new HttpError(404, `No runbook "${id}"`);
  return runbook;
}

/** One hash over the ordered step plans' hashes: what was confirmed is what runs, step by step. */
export function runbookHash(runbookId: string, stepHashes: string[]): string {
  return createHash("sha256")
    .update(canonicalJson({ runbookId, steps: stepHashes }), "utf8")
    .digest("hex");
}

/** A 400 naming the runbook step whose params are wrong, before any API call. */
function paramsOf(step: AnyStep, all: RunbookParams | undefined): JsonObject {
  try {
    return validateParams(step, all?.[step.id]);
  } catch (err) {
    if (isHttpError(err) && err.fieldErrors) {
      const fieldErrors = Object.fromEntries(Object.entries(err.fieldErrors).map(([k, v]) => [`${step.id}.${k}`, v]));
      throw new HttpError(400, `Invalid parameters for "${step.title}"`, { fieldErrors });
    }
    throw err;
  }
}

/** Why the runbook may not run now, from the steps' plans in order; undefined when it may. */
function blockOf(runbook: Runbook, runs: StepRunRow[], planned: Sealed["steps"]): string | undefined {
  const missing = runbook.requires.filter((id) => !tookEffect(runs, id));
  if (missing.length) return `Evidence first: run ${missing.join(" and ")} for this incident before "${runbook.title}".`;
  for (const [i, { step, plan }] of planned.entries()) {
    // A runbook does not run a change its own plan says will have no effect (no NetworkPolicy
    // enforcement): the isolation would read as done and hold nothing.
    const futile = plan.warnings.find((w) => w.code === NO_EFFECT_WARNING);
    if (futile) return `${step.title}: ${futile.message}`;
    const earlier = planned.slice(0, i);
    if (plan.blocked && !(plan.waitsFor && earlier.some((e) => e.step.id === plan.waitsFor))) return `${step.title}: ${plan.blocked}`;
    if (plan.lock && !earlier.some((e) => e.ref.lifts?.includes(plan.lock!.id))) return `${step.title}: ${plan.lock.message}`;
  }
  return undefined;
}

/** A step's plan as the combined view shows it: what an earlier step settles or waits for is no longer said. */
function stepView(runbook: Runbook, index: number, step: AnyStep, plan: Plan, ref: RunbookStep): RunbookStepView {
  const earlier = runbook.steps.slice(0, index);
  const settled = new Set(earlier.flatMap((r) => r.settles ?? []));
  const lifted = new Set(earlier.flatMap((r) => r.lifts ?? []));
  const v = view(step, plan);
  const waitsOnEarlier = plan.waitsFor !== undefined && earlier.some((r) => r.stepId === plan.waitsFor);
  const { blocked, lock, ...rest } = v;
  return {
    ...rest,
    warnings: v.warnings.filter((w) => !settled.has(w.code)),
    ...(blocked && !waitsOnEarlier ? { blocked } : {}),
    ...(lock && !lifted.has(lock.id) ? { lock } : {}),
    title: step.title,
    afterPropagation: ref.afterPropagation === true,
  };
}

/**
 * Plans every step of the runbook at once (they only read, and each plans the state earlier steps
 * leave). No step role is checked here: reading a plan is open to whoever may open the incident (an
 * approver reviews what it may be asked to sign off); running it checks every step's role first.
 */
async function seal(incidentId: string, runbookId: string, params: RunbookParams | undefined): Promise<Sealed> {
  const runbook = requireRunbook(runbookId);
  const incident = await requireIncident(incidentId);
  const steps = runbook.steps.map((ref) => ({ ref, step: requireStep(ref.stepId) }));
  const withParams = steps.map((s) => ({ ...s, params: paramsOf(s.step, params) }));
  const runs = await listRuns(await getDb(), incidentId);
  const plans = await Promise.all(withParams.map((s) => computePlan(s.step, stepContext(incident, s.step, s.params, runs))));
  const planned = withParams.map((s, i) => ({ ...s, plan: plans[i] }));
  const stepViews = planned.map((s, i) => stepView(runbook, i, s.step, s.plan, s.ref));
  const blocked = blockOf(runbook, runs, planned);
  const waits = runbook.steps.some((r) => r.afterPropagation);
  return {
    runbook,
    incident,
    steps: planned,
    view: {
      runbookId: runbook.id,
      title: runbook.title,
      summary: runbook.summary,
      incidentId,
      planHash: runbookHash(
        runbook.id,
        plans.map((p) => p.planHash),
      ),
      steps: stepViews,
      ...(blocked ? { blocked } : {}),
      propagationSeconds: waits ? config().netpolPropagationSeconds : null,
      requiresConfirmation: stepViews.some((s) => !s.noop && s.risk !== "read-only"),
      needsApproval: stepViews.filter((s) => s.requiresApproval && !s.noop).map((s) => s.stepId),
    },
  };
}

async function record(caller: Caller, incident: Incident, kind: string, planHash: string | null, details: Record<string, unknown>): Promise<void> {
  await appendEntry(await getDb(), {
    actor: caller.email,
    role: roleLabel(caller),
    incidentId: incident.id,
    kind,
    targets: timelineTargets(incident.targets),
    planHash,
    details,
  });
}

/** Plans a runbook for review: each step's changes, warnings and commands, one hash. Only reads; one `plan` entry. */
export async function planRunbook(caller: Caller, incidentId: string, runbookId: string, params?: RunbookParams): Promise<RunbookPlanView> {
  const sealed = await seal(incidentId, runbookId, params);
  await record(caller, sealed.incident, "plan", sealed.view.planHash, {
    runbookId,
    steps: sealed.steps.map((s) => ({ stepId: s.step.id, planHash: s.plan.planHash, ...(s.plan.noop ? { noop: true } : {}) })),
    ...(sealed.view.blocked ? { blocked: sealed.view.blocked } : {}),
  });
  return sealed.view;
}

export type RunbookInput = { planHash: string; confirm?: string; params?: RunbookParams };

/** When the deny-all's propagation window ends, from its latest run's record (executed or found in place). */
async function propagationEnd(incident: Incident): Promise<string | null> {
  const step = requireStep(PROPAGATION_STEP);
  const runs = await listRuns(await getDb(), incident.id);
  const last = runs.filter((r) => r.step_id === step.id && r.operation === "execute" && (r.status === "succeeded" || r.status === "noop")).at(-1);
  const rec = readRecord(step.id, recordSchema(step), last);
  return typeof rec?.effectiveAt === "string" ? rec.effectiveAt : null;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function stateOf(results: RunbookStepResult[]): Pick<RunbookResult, "state" | "message"> {
  const stop = results.find((r) => r.status === "failed" || r.status === "awaiting-approval");
  if (stop?.status === "awaiting-approval") return { state: "awaiting-approval", message: `Awaiting approval for "${stop.title}": ${stop.message}` };
  if (stop) return { state: "failed", message: `"${stop.title}" failed; the steps after it did not run: ${stop.message}` };
  const weak = results.find((r) => r.verify && !r.verify.holds);
  if (weak) return { state: "not-contained", message: `Not contained: "${weak.title}" does not hold: ${weak.verify!.message}` };
  return { state: "contained", message: "Every step ran and holds." };
}

/**
 * Runs a reviewed runbook: re-plans every step and refuses a changed combined plan (409), checks
 * the one confirmation, then runs the steps in order through the executor (each with the hash it
 * was reviewed with, so each lands on the timeline as itself). Stops at the first failure, at a
 * step awaiting approval, or at a step that ran but does not hold; later steps do not run.
 */
export async function executeRunbook(caller: Caller, incidentId: string, runbookId: string, input: RunbookInput, gates: ExecuteGates): Promise<RunbookResult> {
  refuseWhileShuttingDown();
  const started = Date.now();
  // Every step's role before anything is planned or run: a runbook is refused whole, never half run.
  for (const ref of requireRunbook(runbookId).steps) requireRole(caller, requireStep(ref.stepId));
  const sealed = await seal(incidentId, runbookId, input.params);
  const { incident, view: planned } = sealed;
  const refuse = async (err: HttpError) => {
    await record(caller, incident, "refused", planned.planHash, {
      runbookId,
      operation: "execute",
      status: err.status,
      reason: err.reason,
      message: err.message,
    });
    return err;
  };
  if (planned.planHash !== input.planHash)
    throw await refuse(new HttpError(409, "The plan changed since you reviewed it; review the new plan", { reason: "plan-changed" }));
  if (planned.blocked) throw await refuse(new HttpError(409, planned.blocked, { reason: "blocked" }));
  if (planned.requiresConfirmation && input.confirm !== incident.targets.pod) {
    throw await refuse(
      new HttpError(400, `Type the pod's name (${incident.targets.pod}) to confirm "${sealed.runbook.title}"`, {
        fieldErrors: { confirm: [`must be exactly ${incident.targets.pod}`] },
        reason: "confirmation",
      }),
    );
  }
  await record(caller, incident, "runbook", planned.planHash, { runbookId, phase: "start", steps: sealed.steps.map((s) => s.step.id) });

  const results: RunbookStepResult[] = sealed.steps.map((s) => ({ stepId: s.step.id, title: s.step.title, status: "not-run" }));
  let propagation: RunbookResult["propagation"] = null;
  for (const [i, s] of sealed.steps.entries()) {
    let t0 = Date.now();
    try {
      // Inside the try: a failed read of the propagation window ends the runbook with its "end" entry too.
      if (s.ref.afterPropagation) {
        const until = await propagationEnd(incident);
        const wait = until ? Math.max(0, Date.parse(until) - Date.now()) : 0;
        if (wait > 0) await sleep(wait);
        propagation = until ? { until, waitedMs: wait } : null;
        t0 = Date.now();
      }
      const out = await executeStep(caller, incidentId, s.step.id, { planHash: s.plan.planHash, confirm: input.confirm, params: s.params }, gates);
      results[i] = { ...results[i], status: out.outcome, runId: out.runId, message: out.message, verify: out.verify, ms: Date.now() - t0 };
    } catch (err) {
      if (!isHttpError(err)) {
        // The "start" entry gets its "end" whatever stops the run; then the error goes on to the caller.
        const ref = newRef();
        logError(ref, err, { phase: "runbook", incident: incidentId, runbook: runbookId, step: s.step.id });
        results[i] = { ...results[i], status: "failed", message: `an internal error (ref ${ref}); the server log has the details`, ms: Date.now() - t0 };
        await recordEnd(caller, incident, runbookId, planned.planHash, { ...stateOf(results), steps: results }).catch((e: unknown) =>
          logError(ref, e, { phase: "runbook", incident: incidentId, runbook: runbookId }),
        );
        throw err;
      }
      const awaiting = err.status === 403 && err.reason === "approval-required";
      results[i] = { ...results[i], status: awaiting ? "awaiting-approval" : "failed", message: err.message, ms: Date.now() - t0 };
    }
    if (results[i].status === "failed" || results[i].status === "awaiting-approval" || results[i].verify?.holds === false) break;
  }
  const outcome = stateOf(results);
  const result: RunbookResult = { runbookId, incidentId, planHash: planned.planHash, ...outcome, steps: results, propagation, totalMs: Date.now() - started };
  await recordEnd(caller, incident, runbookId, planned.planHash, result);
  return result;
}

/** The runbook's "end" entry: how it ended and each step's status. */
async function recordEnd(
  caller: Caller,
  incident: Incident,
  runbookId: string,
  planHash: string,
  result: Pick<RunbookResult, "state" | "message" | "steps">,
): Promise<void> {
  await record(caller, incident, "runbook", planHash, {
    runbookId,
    phase: "end",
    state: result.state,
    message: result.message,
    steps: result.steps.map((r) => ({ stepId: r.stepId, status: r.status, ...(r.runId ? { runId: r.runId } : {}) })),
  });
}

/** The HTTP status a runbook's end answers: 200 only when contained, so a half-done run never reads as done. */
export function runbookStatus(result: RunbookResult): { status: number; reason?: string } {
  switch (result.state) {
    case "contained":
      return { status: 200 };
    case "awaiting-approval":
      return { status: 403, reason: "approval-required" };
    case "failed":
      return { status: 502, reason: "step-failed" };
    case "not-contained":
      return { status: 409, reason: "not-contained" };
  }
}

/** Per-step progress of the runbook's steps since a moment: each step's latest run (status, message). */
export async function runbookProgress(
  incidentId: string,
  runbookId: string,
  since?: string,
): Promise<{ stepId: string; status: string; message: string | null }[]> {
  const runbook = requireRunbook(runbookId);
  await requireIncident(incidentId);
  const runs = await listRuns(await getDb(), incidentId);
  return runbook.steps.map(({ stepId }) => {
    const last = runs.filter((r) => r.step_id === stepId && r.operation === "execute" && (!since || r.started_at >= since)).at(-1);
    return { stepId, status: last?.status ?? "not-run", message: last?.message ?? null };
  });
}
