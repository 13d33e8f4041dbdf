"use client";

import { useActionState } from "react";
import { ActionResult, FieldError, type ActionState } from "@/components/ui/action-result";
import { SubmitButton } from "@/components/ui/submit-button";
import { addCommentAction } from "@/app/timeline/actions/add-comment";

export type EntryOption = { id: number; label: string };

/** A lead's comment on one entry; the comment becomes a timeline entry of its own. */
export function CommentForm({ incidentId, entries }: { incidentId: string; entries: EntryOption[] }) {
  const [state, formAction] = useActionState(addCommentAction, null as ActionState<{ entryId: number }>);
  return (
    <form action={formAction} className="space-y-2" aria-label="Comment on an entry">
      <input type="hidden" name="id" value={incidentId} />
      <div>
        <label htmlFor="review-comment-entry" className="block text-sm font-medium">
          Entry
        </label>
        <select
          id="review-comment-entry"
          name="entryId"
          className="mt-1 w-full rounded-md border border-slate-300 px-2 py-1.5 text-sm"
          aria-describedby="review-comment-entry-error"
          defaultValue={entries[0]?.id}
        >
          {entries.map((e) => (
            <option key={e.id} value={e.id}>
              {e.label}
            </option>
          ))}
        </select>
        <FieldError state={state} name="entryId" id="review-comment-entry-error" />
      </div>
      <div>
        <label htmlFor="review-comment-text" className="block text-sm font-medium">
          Comment
        </label>
        <textarea
          id="review-comment-text"
          name="text"
          rows={3}
          maxLength={2000}
          required
          className="mt-1 w-full rounded-md border border-slate-300 px-2 py-1.5 text-sm"
          aria-describedby="review-comment-text-error"
        />
        <FieldError state={state} name="text" id="review-comment-text-error" />
      </div>
      <SubmitButton size="sm" pendingLabel="Adding…" disabled={entries.length === 0}>
        Add comment
      </SubmitButton>
      <ActionResult state={state} success={(d) => <>Comment added as entry #{d.entryId}.</>} />
    </form>
  );
}
