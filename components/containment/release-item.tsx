"use client";

import { useState } from "react";
import { Button } from "@/components/ui/button";
import type { ReleaseItem } from "@/lib/containment/release";
import { PodNameConfirm } from "./pod-name-confirm";

/** What each reversible step's undo puts back, so the reviewer knows before confirming. */
const UNDO_EFFECT: Record<string, string> = {
  "cordon-node": "Uncordons the node (spec.unschedulable back to false): new pods may be scheduled on it again.",
  "label-quarantine": "Removes the quarantine=true label from the pod.",
  "orphan-pod": "Restores the labels removed from the pod, so its controller may adopt it again and Services route to it.",
  "exclude-from-policies": "Restores the original podSelector of the allow policies that were patched.",
  "apply-deny-all": "Deletes the deny-all NetworkPolicy (kept if other quarantined pods in the namespace rely on it).",
  "detach-services": "Recreates the deleted Services from their recorded manifests (new cluster IPs).",
  "tag-node": "Removes the quarantine network tag from the VM, keeping its other tags.",
  "firewall-isolate": "Deletes the quarantine firewall rules (egress deny, ingress deny, SSH allow).",
  "remove-external-ip": "Re-adds the recorded external access config to the VM (likely a different IP).",
  "scale-to-zero": "Scales the controller back to its recorded replica count.",
};

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
            <p className="text-sm">{UNDO_EFFECT[item.stepId] ?? "Reverses this step with the record of its run."}</p>
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
