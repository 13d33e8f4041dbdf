"use client";

import { useActionState } from "react";
import { approveAction } from "@/app/approvals/actions/approve";
import { rejectAction } from "@/app/approvals/actions/reject";
import { ActionResult, FieldError, type ActionState } from "@/components/ui/action-result";
import { SubmitButton } from "@/components/ui/submit-button";
import type { ApprovalView } from "@/lib/approvals/types";

/**
 * Approve or reject with a comment. The live region stays mounted after the decision (the card
 * then shows the decided request), so the outcome is announced even though the buttons go away.
 */
export function DecisionForm({ approvalId, open, self, label }: { approvalId: string; open: boolean; self: boolean; label: string }) {
  const [state, decide] = useActionState<ActionState<ApprovalView>, FormData>(
    async (_prev, fd) => (fd.get("decision") === "reject" ? rejectAction(null, fd) : approveAction(null, fd)),
    null,
  );
  const commentId = `${approvalId}-comment`;
  const errId = `${commentId}-error`;
  const selfId = `${approvalId}-self`;
  return (
    <div className="space-y-2">
      {open && (
        <form action={decide} className="space-y-2" aria-label={`Decide: ${label}`}>
          <input type="hidden" name="approvalId" value={approvalId} />
          <div>
            <label htmlFor={commentId} className="block text-sm font-medium">
              Comment
            </label>
            <textarea
              id={commentId}
              name="comment"
              rows={2}
              maxLength={2000}
              aria-describedby={`${commentId}-help${state?.ok === false && state.fieldErrors?.comment ? ` ${errId}` : ""}`}
              className="mt-1 block w-full max-w-xl rounded-md border border-slate-300 px-3 py-1.5 text-sm"
            />
            <p id={`${commentId}-help`} className="text-xs text-slate-600">
              Logged on the incident timeline with your name. Required to reject.
            </p>
            <FieldError state={state} name="comment" id={errId} />
          </div>
          {self && (
            <p id={selfId} className="text-sm text-slate-700">
              You requested this approval; another approver must decide it.
            </p>
          )}
          <div className="flex gap-2">
            <SubmitButton name="decision" value="approve" variant="primary" pendingLabel="Saving…" disabled={self} aria-describedby={self ? selfId : undefined}>
              Approve
            </SubmitButton>
            <SubmitButton name="decision" value="reject" variant="danger" pendingLabel="Saving…" disabled={self} aria-describedby={self ? selfId : undefined}>
              Reject
            </SubmitButton>
          </div>
        </form>
      )}
      <ActionResult
        state={state}
        success={(a) => (
          <p>
            {a.status === "pending"
              ? `Approval recorded: ${a.decisions.filter((d) => d.decision === "approve").length} of ${a.requiredApprovals}; another approver must also approve.`
              : `Request ${a.status}.`}
          </p>
        )}
      />
    </div>
  );
}
