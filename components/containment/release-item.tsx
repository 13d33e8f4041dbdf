"use client";

import { useCallback, useState, useTransition } from "react";
import { planUndoAction } from "@/app/incidents/actions/plan-undo";
import { ActionResult, type ActionState } from "@/components/ui/action-result";
import { Button } from "@/components/ui/button";
import { RUN_NEEDS_ANALYST } from "@/lib/containment/doors";
import type { ReleaseItem } from "@/lib/containment/release";
import type { UndoPlanView } from "@/lib/containment/types";
import { ApprovalSlot } from "./approval-slot";
import { PodNameConfirm } from "./pod-name-confirm";

/**
 * One reversible run in the release list: Plan (the undo plan: what it restores, its hash, whether
 * an approver must sign off) → approval where the policy gates the release → Confirm → Undo.
 * The server enforces every rule; this shows them.
 */
export function ReleaseItemView({
  incidentId,
  item,
  podName,
  canRun,
  pending,
  onUndo,
}: {
  incidentId: string;
  item: ReleaseItem;
  podName: string;
  /** False for a caller the undo door refuses (an approver): it reads and signs off the undo plan, never runs it. */
  canRun: boolean;
  pending: boolean;
  onUndo: (stepId: string, planHash: string, confirm?: string) => void;
}) {
  const [planned, setPlanned] = useState<ActionState<UndoPlanView>>(null);
  const [planning, startPlanning] = useTransition();
  const [typed, setTyped] = useState("");
  const [approvedHash, setApprovedHash] = useState<string | null>(null);
  const onApprovedChange = useCallback((ok: boolean, hash: string) => setApprovedHash(ok ? hash : null), []);
  const plan = planned?.ok ? planned.data : null;
  const titleId = `release-${item.stepId}-title`;
  const confirmId = `release-${item.stepId}-confirm`;
  const awaitingApproval = !!plan?.requiresApproval && approvedHash !== plan.planHash;
  const ready = canRun && !!plan && !pending && !awaitingApproval && (!plan.requiresConfirmation || typed === podName);

  function review() {
    startPlanning(async () => setPlanned(await planUndoAction({ id: incidentId, stepId: item.stepId })));
  }

  return (
    <li>
      <section aria-labelledby={titleId} className="rounded-md border border-slate-200 bg-white p-3">
        <h3 id={titleId} className="font-medium">
          Undo: {item.title}
        </h3>
        <p className="text-xs text-slate-600">
          <code>{item.stepId}</code> ran at {item.executedAt} by {item.executedBy}
          {item.runFailed
            ? " and failed after it set out to make its change: the change may or may not have landed, and undo reads the state before it changes anything"
            : ""}
          {item.requiresApproval ? " · releasing it needs an approver's sign-off" : ""}
        </p>
        <Button variant="secondary" size="sm" className="mt-2" disabled={planning} onClick={review}>
          {plan ? "Plan again" : planning ? "Planning…" : "Plan"}
        </Button>
        <ActionResult state={planned?.ok === false ? planned : null} />
        {plan && (
          <form
            aria-label={`Undo plan: ${item.title}`}
            className="mt-2 space-y-2"
            onSubmit={(e) => {
              e.preventDefault();
              if (ready) onUndo(item.stepId, plan.planHash, plan.requiresConfirmation ? typed : undefined);
            }}
          >
            <p className="text-sm">{plan.effect ?? "Reverses this step with the record of its run."}</p>
            <details className="text-sm">
              <summary>Restores from the record of run {plan.undoes}</summary>
              <pre className="mt-1 max-h-48 overflow-auto rounded bg-slate-100 p-2 text-xs">{JSON.stringify(plan.restores, null, 2)}</pre>
            </details>
            {plan.noopReason && (
              <p className="text-sm text-slate-700">Nothing to change now: {plan.noopReason} Undoing records that and takes it off this list.</p>
            )}
            <p className="text-xs text-slate-500">
              Undo plan hash <code className="break-all">{plan.planHash}</code>: the undo is refused if the run or its record changes.
            </p>
            {plan.requiresApproval && (
              <ApprovalSlot incidentId={incidentId} stepId={item.stepId} planHash={plan.planHash} operation="undo" onApprovedChange={onApprovedChange} />
            )}
            {canRun ? (
              <>
                {plan.requiresConfirmation && <PodNameConfirm id={confirmId} value={typed} onChange={setTyped} />}
                <Button type="submit" variant="danger" size="sm" disabled={!ready}>
                  {pending ? "Undoing…" : "Undo"}
                </Button>
              </>
            ) : (
              <p className="text-sm text-slate-700">{RUN_NEEDS_ANALYST}</p>
            )}
          </form>
        )}
      </section>
    </li>
  );
}
