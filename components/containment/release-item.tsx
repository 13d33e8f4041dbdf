"use client";

import { useState } from "react";
import { Button } from "@/components/ui/button";
import type { ReleaseItem } from "@/lib/containment/release";
import { PodNameConfirm } from "./pod-name-confirm";

/** One reversible run in the release list: Plan (review what undo does) → Confirm → Undo. */
export function ReleaseItemView({
  item,
  podName,
  pending,
  onUndo,
}: {
  item: ReleaseItem;
  podName: string;
  pending: boolean;
  onUndo: (stepId: string, confirm?: string) => void;
}) {
  const [reviewing, setReviewing] = useState(false);
  const [typed, setTyped] = useState("");
  const titleId = `release-${item.stepId}-title`;
  const confirmId = `release-${item.stepId}-confirm`;
  const ready = !pending && (!item.requiresConfirmation || typed === podName);
  return (
    <li>
      <section aria-labelledby={titleId} className="rounded-md border border-slate-200 bg-white p-3">
        <h3 id={titleId} className="font-medium">
          Undo: {item.title}
        </h3>
        <p className="text-xs text-slate-600">
          <code>{item.stepId}</code> ran at {item.executedAt} by {item.executedBy}
        </p>
        {!reviewing ? (
          <Button variant="secondary" size="sm" className="mt-2" onClick={() => setReviewing(true)}>
            Plan
          </Button>
        ) : (
          <form
            className="mt-2 space-y-2"
            onSubmit={(e) => {
              e.preventDefault();
              if (ready) onUndo(item.stepId, item.requiresConfirmation ? typed : undefined);
            }}
          >
            <p className="text-sm">{item.undoEffect ?? "Reverses this step with the record of its run."}</p>
            {item.noop && <p className="text-sm text-slate-700">Nothing to change now: {item.noop} Undoing records that and takes it off this list.</p>}
            {item.requiresConfirmation && <PodNameConfirm id={confirmId} value={typed} onChange={setTyped} />}
            <Button type="submit" variant="danger" size="sm" disabled={!ready}>
              {pending ? "Undoing…" : "Undo"}
            </Button>
          </form>
        )}
      </section>
    </li>
  );
}
