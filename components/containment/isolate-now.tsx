"use client";

import { useQuery } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { executeRunbookAction } from "@/app/incidents/actions/execute-runbook";
import { planRunbookAction } from "@/app/incidents/actions/plan-runbook";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { RUN_NEEDS_ANALYST } from "@/lib/containment/doors";
import type { RunbookPlanView, RunbookResult, RunbookStepView } from "@/lib/containment/runbooks/engine";
import { ChangeTable } from "./change-table";
import { CommandList } from "./command-list";
import { PodNameConfirm } from "./pod-name-confirm";
import { incidentQueries, type RunbookProgress } from "./queries";
import { RiskBadge } from "./risk-badge";
import { WarningList } from "./warning-list";

const RUNBOOK = "isolate-pod";

// What each step's latest run (or the runbook's result) is called while and after it runs.
const RUN_LABEL: Record<string, string> = {
  "not-run": "waiting",
  running: "running",
  succeeded: "done",
  success: "done",
  noop: "already in effect",
  failed: "failed",
  "awaiting-approval": "awaiting approval",
};

type Phase =
  | { kind: "idle" }
  | { kind: "review"; plan: RunbookPlanView }
  | { kind: "running"; plan: RunbookPlanView; since: string }
  | { kind: "done"; result: RunbookResult };

function StepPlan({ step, index, propagationSeconds }: { step: RunbookStepView; index: number; propagationSeconds: number | null }) {
  return (
    <li className="space-y-2 rounded-md border border-slate-200 p-3">
      <h3 className="flex flex-wrap items-center gap-2 text-sm font-semibold">
        <span>
          {index + 1}. {step.title}
        </span>
        <RiskBadge risk={step.risk} />
        {step.requiresApproval && !step.noop && <span className="text-xs font-normal text-amber-900">needs an approver&apos;s sign-off</span>}
      </h3>
      {step.afterPropagation && propagationSeconds !== null && (
        <p className="text-sm text-slate-700">
          Runs after the NetworkPolicy propagation window: about {propagationSeconds} s after the deny-all is created (NETPOL_PROPAGATION_SECONDS).
        </p>
      )}
      {step.blocked && (
        <p role="alert" className="rounded-md border border-red-300 bg-red-50 px-3 py-2 text-sm text-red-900">
          Blocked: {step.blocked}
        </p>
      )}
      {step.noop ? <p className="text-sm text-slate-700">Already in effect: nothing to change.</p> : <ChangeTable changes={step.changes} />}
      <WarningList warnings={step.warnings} label={`Warnings for ${step.title}`} />
      {step.commands.length > 0 && (
        <details>
          <summary className="cursor-pointer text-sm text-slate-700">Equivalent commands</summary>
          <CommandList commands={step.commands} />
        </details>
      )}
    </li>
  );
}

function Progress({ plan, steps }: { plan: RunbookPlanView; steps: RunbookProgress[] | undefined }) {
  return (
    <ol aria-label="Progress per step" className="space-y-1 text-sm">
      {plan.steps.map((s, i) => {
        const status = steps?.find((p) => p.stepId === s.stepId)?.status ?? "not-run";
        return (
          <li key={s.stepId} data-step={s.stepId} data-status={status}>
            {i + 1}. {s.title}: <strong>{RUN_LABEL[status] ?? status}</strong>
          </li>
        );
      })}
    </ol>
  );
}

// After the run a step that never started did not run: it is not waiting for anything.
const RESULT_LABEL: Record<string, string> = { ...RUN_LABEL, "not-run": "not run" };

/** The runbook's end: green only when every step ran and holds; otherwise red, with where it stopped and why. */
export function RunbookOutcome({ result }: { result: RunbookResult }) {
  const contained = result.state === "contained";
  return (
    <div className="space-y-2">
      <p
        role={contained ? "status" : "alert"}
        className={`rounded-md border px-3 py-2 text-sm font-medium ${contained ? "border-emerald-400 bg-emerald-50 text-emerald-900" : "border-red-400 bg-red-50 text-red-900"}`}
      >
        {contained ? "Pod network isolated and verified. " : "NOT CONTAINED. "}
        {result.message}
      </p>
      <ol aria-label="Result per step" className="space-y-1 text-sm">
        {result.steps.map((s, i) => (
          <li key={s.stepId} data-step={s.stepId} data-status={s.status}>
            {i + 1}. {s.title}: <strong>{RESULT_LABEL[s.status] ?? s.status}</strong>
            {s.message && <span className="text-slate-700"> · {s.message}</span>}
            {s.verify && (
              <span className={s.verify.holds ? "text-emerald-800" : "text-red-800"}> · verified: {s.verify.holds ? "holds" : "does not hold"}</span>
            )}
          </li>
        ))}
      </ol>
      {result.propagation && (
        <p className="text-sm text-slate-700">
          Waited {Math.round(result.propagation.waitedMs / 1000)} s for the NetworkPolicy to take effect before the check.
        </p>
      )}
    </div>
  );
}

/**
 * "Isolate now": the isolate-pod runbook as one plan (every step's changes, warnings and the
 * propagation wait), one typed confirmation and one call; progress per step while it runs.
 */
export function IsolateNow({ incidentId, podName, canRun }: { incidentId: string; podName: string; canRun: boolean }) {
  const [phase, setPhase] = useState<Phase>({ kind: "idle" });
  const [error, setError] = useState<string | null>(null);
  const [confirm, setConfirm] = useState("");
  const [busy, setBusy] = useState(false);
  const since = phase.kind === "running" ? phase.since : "";
  const progress = useQuery({ ...incidentQueries.runbook(incidentId, RUNBOOK, since), enabled: phase.kind === "running", refetchInterval: 1000, staleTime: 0 });

  async function plan() {
    setBusy(true);
    setError(null);
    const res = await planRunbookAction({ id: incidentId, runbook: RUNBOOK });
    setBusy(false);
    if (res.ok) setPhase({ kind: "review", plan: res.data });
    else setError(res.message);
  }

  async function run(e: FormEvent, reviewed: RunbookPlanView) {
    e.preventDefault();
    setError(null);
    setPhase({ kind: "running", plan: reviewed, since: new Date().toISOString() });
    const res = await executeRunbookAction({ id: incidentId, runbook: RUNBOOK, planHash: reviewed.planHash, confirm });
    if (res.ok) {
      setPhase({ kind: "done", result: res.data });
    } else {
      setError(res.message);
      setPhase({ kind: "review", plan: reviewed });
    }
  }

  return (
    <Card title="Isolate now">
      <div className="space-y-3">
        <p className="text-sm text-slate-700">
          One plan, one confirmation: label the pod quarantine=true, exclude it from the allow policies that select it, apply the deny-all NetworkPolicy, wait
          for it to take effect and check from another node that the pod is unreachable. Each step is recorded on the timeline as itself.
        </p>
        {phase.kind !== "running" && (
          <Button onClick={plan} disabled={busy} variant={phase.kind === "idle" ? "primary" : "secondary"}>
            {phase.kind === "idle" ? "Isolate now" : "Plan again"}
          </Button>
        )}
        <div aria-live="polite" className="text-sm">
          {busy && <p>Planning every step…</p>}
          {error && (
            <p role="alert" className="rounded-md border border-red-300 bg-red-50 px-3 py-2 text-red-900">
              {error}
            </p>
          )}
        </div>
        {phase.kind === "review" && (
          <div className="space-y-3">
            <ol aria-label="Combined plan" className="space-y-3">
              {phase.plan.steps.map((s, i) => (
                <StepPlan key={s.stepId} step={s} index={i} propagationSeconds={phase.plan.propagationSeconds} />
              ))}
            </ol>
            <p className="font-mono text-xs text-slate-600">Plan hash {phase.plan.planHash}</p>
            {phase.plan.blocked ? (
              <p role="alert" className="rounded-md border border-red-300 bg-red-50 px-3 py-2 text-sm text-red-900">
                Cannot run now: {phase.plan.blocked}
              </p>
            ) : !canRun ? (
              <p className="text-sm text-slate-700">{RUN_NEEDS_ANALYST}</p>
            ) : (
              <form onSubmit={(e) => run(e, phase.plan)} className="space-y-2">
                {phase.plan.requiresConfirmation && (
                  <PodNameConfirm
                    id="isolate-now-confirm"
                    value={confirm}
                    onChange={setConfirm}
                    help={
                      <>
                        One confirmation for all {phase.plan.steps.length} steps: type <span className="font-mono">{podName}</span>.
                      </>
                    }
                  />
                )}
                <Button type="submit" variant="danger" disabled={phase.plan.requiresConfirmation && confirm !== podName}>
                  Run all {phase.plan.steps.length} steps
                </Button>
              </form>
            )}
          </div>
        )}
        {phase.kind === "running" && (
          <div className="space-y-2" aria-live="polite">
            <p className="text-sm">Running… (the check waits for the NetworkPolicy to take effect)</p>
            <Progress plan={phase.plan} steps={progress.data?.steps} />
          </div>
        )}
        {phase.kind === "done" && <RunbookOutcome result={phase.result} />}
      </div>
    </Card>
  );
}
