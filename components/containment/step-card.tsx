"use client";

import { startTransition, useActionState, useCallback, useEffect, useRef, useState, type FormEvent } from "react";
import { executeStepAction } from "@/app/incidents/actions/execute-step";
import { planStepAction } from "@/app/incidents/actions/plan-step";
import { ActionResult, type ActionState } from "@/components/ui/action-result";
import { Button } from "@/components/ui/button";
import type { StepStatus, StepSummary } from "@/lib/containment/detail";
import type { RunOutcome } from "@/lib/containment/executor";
import type { PlanView as Plan } from "@/lib/containment/types";
import type { IncidentTargets } from "@/lib/containment/types";
import { ApprovalSlot } from "./approval-slot";
import { AttestationPanel } from "./attestation-panel";
import { ConfirmForm, type ConfirmInput, type ShownLock } from "./confirm-form";
import { PropagationCountdown } from "./countdown";
import { DrainProgress } from "./drain-progress";
import { StepArtifacts } from "./step-artifacts";
import { paramsFromForm, type StepParams } from "./params";
import { PlanView } from "./plan-view";
import { RiskBadge } from "./risk-badge";
import { StatusBadge } from "./status-badge";
import { StepParamsFields } from "./step-params";

type Reviewed = { view: Plan; params: StepParams };
type Feedback = ActionState<RunOutcome>;
type CardState = { plan: Reviewed | null; feedback: Feedback; replanned: boolean };
type Intent = { kind: "plan"; params: StepParams } | ({ kind: "execute" } & ConfirmInput);

export const stepAnchor = (stepId: string) => `step-${stepId}`;

function ranMessage(o: RunOutcome): string {
  const head = o.outcome === "noop" ? "No-op (already done)" : o.operation === "undo" ? "Undone" : "Succeeded";
  const verify = o.verify ? ` Verify: ${o.verify.holds ? "holds" : "does not hold"}: ${o.verify.message}` : "";
  return `${head}: ${o.message}${verify}`;
}

/** Statuses of a step that ran to the end, whatever its verification found. */
const RAN: ReadonlySet<StepStatus> = new Set<StepStatus>(["succeeded", "noop", "unverified", "not-holding", "not-contained"]);

/** How a run whose verification did not hold reads: "not contained" where the check is about isolation. */
function notHeldWords(step: Pick<StepSummary, "checksContainment">): string {
  return step.checksContainment ? "Not contained" : "Does not hold";
}

/** A run that ran but whose verification did not hold: red, with why, never the green success box. */
function NotHeld({ words, why }: { words: string; why: string }) {
  return (
    <p role="alert" className="rounded-md border border-red-400 bg-red-50 px-3 py-2 text-sm font-medium text-red-900">
      {words} — {why}
    </p>
  );
}

/**
 * One containment step: plan (with its params) → review → confirm → execute, through the
 * engine's server actions. Status comes from the server (props), so a reload or another
 * analyst's run shows the same thing; only the plan under review is local.
 */
export function StepCard({
  incidentId,
  step,
  targets,
  evidenceDone,
  canRun,
  canOverride,
}: {
  incidentId: string;
  step: StepSummary;
  targets: IncidentTargets;
  evidenceDone: boolean;
  canRun: boolean;
  canOverride: boolean;
}) {
  const [dirty, setDirty] = useState(false);
  const [state, dispatch, pending] = useActionState<CardState, Intent>(
    async (prev, intent) => {
      if (intent.kind === "plan") {
        const r = await planStepAction({ id: incidentId, stepId: step.id, params: intent.params });
        if (!r.ok) return { plan: null, feedback: r, replanned: false };
        return { plan: { view: r.data, params: intent.params }, feedback: null, replanned: false };
      }
      if (!prev.plan) return prev;
      const { params, view } = prev.plan;
      const r = await executeStepAction({
        id: incidentId,
        stepId: step.id,
        planHash: view.planHash,
        params,
        ...(intent.confirm !== undefined ? { confirm: intent.confirm } : {}),
        ...(intent.overrideReason !== undefined ? { overrideReason: intent.overrideReason } : {}),
      });
      if (r.ok) return { plan: null, feedback: r, replanned: false };
      if (r.fieldErrors) return { ...prev, feedback: r, replanned: false };
      // A refusal may mean the world moved (stale plan, now blocked): show what would run now.
      const again = await planStepAction({ id: incidentId, stepId: step.id, params });
      if (!again.ok) return { ...prev, feedback: r, replanned: false };
      return { plan: { view: again.data, params }, feedback: r, replanned: again.data.planHash !== view.planHash };
    },
    { plan: null, feedback: null, replanned: false },
  );

  // The plan hash the approval slot last reported approved; a refusal shown before it no longer applies.
  const [approvedHash, setApprovedHash] = useState<string | null>(null);
  const [settled, setSettled] = useState<Feedback>(null);
  const feedbackRef = useRef<Feedback>(null);
  useEffect(() => {
    feedbackRef.current = state.feedback;
  }, [state.feedback]);
  // Stable, so the slot calls it only when its approval changes, not on every new feedback.
  const onApprovedChange = useCallback((approved: boolean, planHash: string) => {
    setApprovedHash(approved ? planHash : null);
    const shown = feedbackRef.current;
    if (approved && shown?.ok === false) setSettled(shown);
  }, []);

  const form = step.ui.form ?? [];
  const panel = step.ui.panel;

  // onSubmit rather than a form action: React resets a form after its action, and the
  // parameters (SSH range, per-Service choice) must stay visible beside the plan they produced.
  function submitPlan(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const params = paramsFromForm(form, new FormData(e.currentTarget));
    setDirty(false);
    startTransition(() => dispatch({ kind: "plan", params }));
  }

  const titleId = `${step.id}-title`;
  const blockedId = `${step.id}-blocked`;
  const running = pending || step.status === "running";
  const plan = state.plan?.view ?? null;
  // The evidence lock is known before planning; a step's own lock (protect-node first) comes with its plan.
  const lock: ShownLock | null =
    step.lockedUntilStep && !evidenceDone
      ? { message: `Locked: eradicate steps stay locked until ${step.lockedUntilStep} has succeeded for this incident.`, skips: "evidence is being skipped" }
      : plan?.lock
        ? { message: `Locked: ${plan.lock.message}`, skips: plan.lock.skips }
        : null;
  const planFieldErrors = state.feedback?.ok === false && !state.plan ? state.feedback.fieldErrors : undefined;
  const tookEffect = RAN.has(step.status);
  const verdict = step.lastRun?.operation === "execute" ? step.lastRun.verdict : null;
  // A refusal whose every field error sits next to its field needs no banner on top ("Invalid step parameters").
  const shownBesideFields =
    planFieldErrors !== undefined && Object.keys(planFieldErrors).length > 0 && Object.keys(planFieldErrors).every((k) => form.some((f) => f.name === k));
  const feedback = state.feedback === settled || shownBesideFields ? null : state.feedback;
  const failedCheck =
    feedback?.ok === true && feedback.data.operation === "execute" && feedback.data.verify && !feedback.data.verify.holds ? feedback.data.verify : null;
  const effectiveAt = panel?.kind === "propagation-countdown" && tookEffect ? step.lastRun?.effectiveAt : null;

  return (
    <section id={stepAnchor(step.id)} aria-labelledby={titleId} className="scroll-mt-4 rounded-lg border border-slate-200 bg-white p-4 shadow-sm">
      <header className="flex flex-wrap items-center gap-2">
        <h3 id={titleId} className="text-base font-semibold">
          {step.title}
        </h3>
        <code className="text-xs text-slate-500">{step.id}</code>
        {/* The reviewed plan's risk once there is one: a plan may raise its step's (the reasons are in the plan). */}
        <RiskBadge risk={plan?.risk ?? step.risk} />
        <StatusBadge status={step.status} pending={pending} />
      </header>
      <p className="mt-1 text-sm text-slate-700">{step.summary}</p>
      {step.lastRun && (
        <p className="mt-1 text-xs text-slate-600">
          Last {step.lastRun.operation} by {step.lastRun.actor}, {verdict?.holds === false ? `ran, ${notHeldWords(step).toLowerCase()}` : step.lastRun.status}
          {step.lastRun.message ? `: ${step.lastRun.message}` : ""}
        </p>
      )}
      {step.preflight && !step.preflight.ok && (
        <p className="mt-2 rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-950">
          <strong>Preflight: this step cannot succeed now.</strong> {step.preflight.reasons.join(" ")}
        </p>
      )}
      {lock && (
        <p className="mt-2 rounded-md border border-slate-400 bg-slate-100 px-3 py-2 text-sm">
          <span aria-hidden="true">🔒 </span>
          {lock.message}
          {canOverride ? " As an approver you may override it with a written reason." : " An approver may override it with a written reason."}
        </p>
      )}
      {step.requiresApproval && (
        <p className="mt-2 rounded-md border border-red-300 bg-red-50 px-3 py-2 text-sm text-red-950">
          Destructive: needs an approver&apos;s sign-off bound to the reviewed plan before it runs.
        </p>
      )}
      {effectiveAt && panel?.kind === "propagation-countdown" && (
        <div className="mt-3">
          <PropagationCountdown effectiveAt={effectiveAt} thenStepId={panel.thenStepId} thenAnchor={stepAnchor(panel.thenStepId)} />
        </div>
      )}

      <form className="mt-3 space-y-3" onSubmit={submitPlan}>
        <StepParamsFields stepId={step.id} fields={form} targets={targets} fieldErrors={planFieldErrors} onChange={() => setDirty(true)} />
        <Button type="submit" variant="secondary" disabled={running}>
          {plan ? "Plan again" : "Plan"}
        </Button>
      </form>

      {state.replanned && (
        <p role="alert" className="mt-3 rounded-md border border-amber-400 bg-amber-50 px-3 py-2 text-sm text-amber-950">
          The plan changed since you reviewed it: review the new plan below before executing.
        </p>
      )}

      {plan && (
        <div className="mt-4 space-y-4 border-t border-slate-200 pt-4">
          <PlanView plan={plan} blockedId={blockedId} />
          <ConfirmForm
            key={plan.planHash}
            stepId={step.id}
            risk={plan.risk}
            podName={targets.pod}
            requiresConfirmation={plan.requiresConfirmation}
            blocked={plan.blocked}
            blockedId={blockedId}
            stale={dirty}
            lock={lock}
            canRun={canRun}
            canOverride={canOverride}
            pending={pending}
            awaitingApproval={plan.requiresApproval && approvedHash !== plan.planHash}
            onExecute={(input) => startTransition(() => dispatch({ kind: "execute", ...input }))}
          >
            {plan.requiresApproval && (
              <ApprovalSlot incidentId={incidentId} stepId={step.id} planHash={plan.planHash} params={state.plan?.params} onApprovedChange={onApprovedChange} />
            )}
          </ConfirmForm>
        </div>
      )}

      {panel?.kind === "drain-progress" && (
        <div className="mt-3">
          <DrainProgress incidentId={incidentId} stepId={step.id} running={running} serverRunning={step.status === "running"} />
        </div>
      )}
      {panel?.kind === "last-result" && tookEffect && step.lastRun?.operation === "execute" && step.lastRun.message && (
        <p
          className={`mt-3 rounded-md border px-3 py-2 text-sm ${
            verdict?.holds === false
              ? "border-red-400 bg-red-50 text-red-900"
              : verdict?.holds
                ? "border-emerald-300 bg-emerald-50 text-emerald-900"
                : "border-slate-300 bg-slate-50"
          }`}
        >
          <strong>{panel.label}</strong> ({step.lastRun.finishedAt ?? step.lastRun.startedAt}):{" "}
          {verdict?.holds === false ? `${notHeldWords(step)} — ${verdict.message || step.lastRun.message}` : step.lastRun.message}
        </p>
      )}

      {panel?.kind === "attestation" && tookEffect && step.lastRun?.attestation && (
        <AttestationPanel label={panel.label} attestation={step.lastRun.attestation} />
      )}

      {panel?.kind === "artifacts" && tookEffect && step.lastRun?.operation === "execute" && (
        <div className="mt-3">
          <StepArtifacts
            key={step.lastRun.runId}
            incidentId={incidentId}
            stepId={step.id}
            label={panel.label}
            message={step.lastRun.message}
            ranAt={step.lastRun.finishedAt ?? step.lastRun.startedAt}
          />
        </div>
      )}

      <div className="mt-3">
        {failedCheck ? (
          <NotHeld words={notHeldWords(step)} why={failedCheck.message} />
        ) : (
          <ActionResult state={feedback} success={(o) => <p>{ranMessage(o)}</p>} />
        )}
      </div>
    </section>
  );
}
