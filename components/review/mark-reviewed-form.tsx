"use client";

import { useActionState } from "react";
import { ActionResult, type ActionState } from "@/components/ui/action-result";
import { SubmitButton } from "@/components/ui/submit-button";
import { markReviewedAction } from "@/app/timeline/actions/mark-reviewed";
import type { Review } from "@/lib/timeline-view/review";

/** "Mark reviewed": writes an incident-reviewed entry and sets the incident's flag (once). */
export function MarkReviewedForm({ incidentId }: { incidentId: string }) {
  const [state, formAction] = useActionState(markReviewedAction, null as ActionState<Review>);
  return (
    <form action={formAction} className="space-y-2" aria-label="Mark the incident reviewed">
      <input type="hidden" name="id" value={incidentId} />
      <div>
        <label htmlFor="review-note" className="block text-sm font-medium">
          Review note (optional)
        </label>
        <textarea id="review-note" name="note" rows={2} maxLength={2000} className="mt-1 w-full rounded-md border border-slate-300 px-2 py-1.5 text-sm" />
      </div>
      <SubmitButton size="sm" pendingLabel="Marking…">
        Mark reviewed
      </SubmitButton>
      <ActionResult state={state} success={(d) => <>Reviewed by {d.reviewedBy}.</>} />
    </form>
  );
}
