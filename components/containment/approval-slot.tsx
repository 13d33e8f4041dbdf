"use client";

import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useState, useTransition } from "react";
import { requestApprovalAction } from "@/app/approvals/actions/request-approval";
import { ApprovalBadge, ApprovalSummary } from "@/components/approvals/approval-status";
import { approvalQueries } from "@/components/approvals/queries";
import { slotState } from "@/components/approvals/slot-state";
import { ActionResult, FieldError, type ActionState } from "@/components/ui/action-result";
import { Button } from "@/components/ui/button";
import type { ApprovalView } from "@/lib/approvals/types";

// How often the analyst's page looks for the approver's decision.
const POLL_MS = 4_000;

/**
 * A step's approval, bound to the plan under review: the analyst asks with a reason, then sees
 * the request's status as approvers decide. It sits inside the confirm form, so it uses a plain
 * button rather than a nested form. The server enforces every rule; this only shows them.
 */
export function ApprovalSlot({
  incidentId,
  stepId,
  planHash,
  params,
  operation = "execute",
  onApprovedChange,
}: {
  incidentId: string;
  stepId: string;
  planHash: string;
  params?: Record<string, unknown>;
  /** "undo": the sign-off for releasing the step's latest run (the release card's undo plan). */
  operation?: "execute" | "undo";
  /** Tells the card whether this plan is approved, so Execute is enabled only then. */
  onApprovedChange?: (approved: boolean, planHash: string) => void;
}) {
  const queryClient = useQueryClient();
  const query = approvalQueries.forStep(incidentId, stepId);
  const { data, error } = useQuery({ ...query, refetchInterval: POLL_MS });
  const [reason, setReason] = useState("");
  const [result, setResult] = useState<ActionState<ApprovalView>>(null);
  const [pending, startTransition] = useTransition();
  const { current, otherPlan, canRequest, approved, headline } = slotState(data?.items ?? [], planHash, operation);
  useEffect(() => onApprovedChange?.(approved, planHash), [approved, planHash, onApprovedChange]);
  const undo = operation === "undo";
  const reasonId = `${stepId}-${operation}-approval-reason`;
  const statusId = `${stepId}-${operation}-approval-status`;

  function request() {
    startTransition(async () => {
      const r = await requestApprovalAction({
        id: incidentId,
        stepId,
        planHash,
        reason,
        ...(undo ? { operation } : params && Object.keys(params).length ? { params } : {}),
      });
      setResult(r);
      if (r.ok) setReason("");
      await queryClient.invalidateQueries({ queryKey: query.queryKey });
    });
  }

  return (
    <section aria-labelledby={`${statusId}-title`} className="space-y-2 rounded-md border border-slate-300 bg-slate-50 p-3">
      <h4 id={`${statusId}-title`} className="text-sm font-semibold">
        {undo ? "Approval for this release" : "Approval for this plan"}
      </h4>
      <div id={statusId} aria-live="polite" className="space-y-1">
        {error && <p className="text-sm text-red-800">Could not load the approval status: {error.message}</p>}
        {data && <p className="text-sm font-medium">{undo ? headline.replace("Execute is enabled", "Undo is enabled") : headline}</p>}
        {current && (
          <>
            <p className="text-sm">
              Status: <ApprovalBadge status={current.status} />
            </p>
            <ApprovalSummary approval={current} />
          </>
        )}
        {otherPlan && (
          <p className="text-sm text-amber-900">
            An approval ({otherPlan.status}) exists for a different plan of this step; it does not apply here: this plan needs its own.
          </p>
        )}
      </div>
      {canRequest && (
        <div className="space-y-2">
          <label htmlFor={reasonId} className="block text-sm font-medium">
            Reason for approval
          </label>
          <textarea
            id={reasonId}
            name="approvalReason"
            rows={2}
            maxLength={2000}
            value={reason}
            onChange={(e) => setReason(e.target.value)}
            className="block w-full max-w-md rounded-md border border-slate-300 px-3 py-1.5 text-sm"
          />
          <FieldError state={result} name="reason" id={`${reasonId}-error`} />
          <Button type="button" variant="secondary" disabled={pending || reason.trim().length < 3} onClick={request}>
            {pending ? "Requesting…" : "Request approval"}
          </Button>
        </div>
      )}
      {/* Success needs no words of its own: the headline above moves to "requested". A refusal stays until the next try. */}
      <ActionResult state={result?.ok === false ? result : null} />
    </section>
  );
}
