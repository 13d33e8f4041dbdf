"use client";

import { startTransition, useActionState } from "react";
import { undoStepAction } from "@/app/incidents/actions/undo-step";
import { ActionResult, type ActionState } from "@/components/ui/action-result";
import type { RunOutcome } from "@/lib/containment/executor";
import type { ByHandItem, ReleaseItem } from "@/lib/containment/release";
import { ReleaseItemView } from "./release-item";

type Undo = { stepId: string; planHash: string; confirm?: string };

/**
 * How an undo reads. After an undo the step's check is meant to fail (the deny-all is missing,
 * the node schedulable): that is the undo working, said as "the effect is gone". A check that
 * still holds after the undo is the failure, and reads red. A check that could not read anything
 * (an API error) proves nothing either way: amber, "not proven" (`unproven`).
 */
export function undoWords(o: RunOutcome): { ok: boolean; text: string; unproven?: true } {
  if (!o.verify) return { ok: true, text: `Undone ${o.stepId}: ${o.message}` };
  if (o.verify.holds) return { ok: false, text: `Undo of ${o.stepId} ran, but its effect is still in place: ${o.verify.message}` };
  if (o.verify.checked === false) {
    return { ok: true, unproven: true, text: `Undone ${o.stepId}: ${o.message} Not proven gone: the check could not read what is live (${o.verify.message}).` };
  }
  return { ok: true, text: `Undone ${o.stepId}: ${o.message} Checked: the effect is gone (${o.verify.message}).` };
}

/**
 * Release from quarantine: the reversible steps still in force, newest first (the engine's
 * order), each undone on its own. The outcome lives here, not in the item, because a
 * successful undo removes the item from the list the server sends back.
 */
export function ReleasePanel({
  incidentId,
  items,
  byHand = [],
  podName,
  canRun,
}: {
  incidentId: string;
  items: ReleaseItem[];
  byHand?: ByHandItem[];
  podName: string;
  canRun: boolean;
}) {
  const [state, dispatch, pending] = useActionState<ActionState<RunOutcome>, Undo>(
    async (_prev, u) => undoStepAction({ id: incidentId, stepId: u.stepId, planHash: u.planHash, ...(u.confirm !== undefined ? { confirm: u.confirm } : {}) }),
    null,
  );
  const words = state?.ok ? undoWords(state.data) : null;
  return (
    <section aria-labelledby="release-heading" className="space-y-3 rounded-lg border border-slate-200 bg-slate-50 p-4">
      <h2 id="release-heading" className="text-lg font-semibold">
        Release from quarantine
      </h2>
      <p className="text-sm text-slate-700">
        Undo each reversible step that took effect, newest first. Each undo is planned, confirmed and logged like any step; releasing an isolation the approval
        policy gates needs an approver who is not you.
      </p>
      {items.length === 0 ? (
        <p className="text-sm text-slate-600">Nothing to release: no reversible step is in force.</p>
      ) : (
        <ol aria-label="Steps to undo, newest first" className="space-y-2">
          {items.map((item) => (
            <ReleaseItemView
              key={item.runId}
              incidentId={incidentId}
              item={item}
              podName={podName}
              canRun={canRun}
              pending={pending}
              onUndo={(stepId, planHash, confirm) => startTransition(() => dispatch({ stepId, planHash, confirm }))}
            />
          ))}
        </ol>
      )}
      {byHand.length > 0 && (
        <div>
          <h3 className="text-sm font-semibold">Left to do by hand (release cannot undo these)</h3>
          <ul aria-label="Left to do by hand" className="mt-1 space-y-2">
            {byHand.map((b) => (
              <li key={b.runId} className="rounded-md border border-amber-300 bg-amber-50 p-3 text-sm text-amber-950">
                <strong>{b.title}</strong> (<code>{b.stepId}</code>, {b.executedAt} by {b.executedBy}): {b.note}
                {b.message ? <span className="block text-xs">{b.message}</span> : null}
              </li>
            ))}
          </ul>
        </div>
      )}
      {words && !words.ok ? (
        <p role="alert" className="rounded-md border border-red-400 bg-red-50 px-3 py-2 text-sm text-red-900">
          {words.text}
        </p>
      ) : words?.unproven ? (
        <p role="status" className="rounded-md border border-amber-400 bg-amber-50 px-3 py-2 text-sm text-amber-950">
          {words.text}
        </p>
      ) : (
        <ActionResult state={state} success={() => <p>{words?.text}</p>} />
      )}
    </section>
  );
}
