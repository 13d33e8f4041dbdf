"use client";

import { useState, type ReactNode } from "react";
import { Button } from "@/components/ui/button";
import { RUN_NEEDS_ANALYST } from "@/lib/containment/doors";
import type { Risk } from "@/lib/containment/types";
import { PodNameConfirm } from "./pod-name-confirm";

export const MIN_OVERRIDE_REASON = 10;

export type ConfirmInput = { confirm?: string; overrideReason?: string };
/** A lock an approver may override: why it is locked, and what an override skips ("evidence is being skipped"). */
export type ShownLock = { message: string; skips: string };

/**
 * The last gate before a step runs. Disruptive and destructive steps need the pod's name typed
 * (dub's type-to-confirm habit); a blocked plan, changed parameters or a lock (evidence first, node protected first) keep
 * the button disabled and say why. The server checks every one of these again.
 */
export function ConfirmForm({
  stepId,
  risk,
  podName,
  requiresConfirmation,
  blocked,
  blockedId,
  stale,
  lock,
  canRun,
  canOverride,
  pending,
  awaitingApproval = false,
  onExecute,
  children,
}: {
  stepId: string;
  risk: Risk;
  podName: string;
  requiresConfirmation: boolean;
  blocked?: string;
  blockedId: string;
  stale: boolean;
  lock: ShownLock | null;
  /** False for a caller the execute door refuses (an approver): the plan stays readable, Execute says why not. */
  canRun: boolean;
  canOverride: boolean;
  pending: boolean;
  /** The plan needs an approver's sign-off that it does not have yet: Execute waits for it. */
  awaitingApproval?: boolean;
  onExecute: (input: ConfirmInput) => void;
  children?: ReactNode;
}) {
  const [typed, setTyped] = useState("");
  const [reason, setReason] = useState("");
  const confirmId = `${stepId}-confirm`;
  const reasonId = `${stepId}-override`;
  const whyId = `${stepId}-why-disabled`;

  const overriding = lock !== null && canOverride;
  const why = blocked
    ? null // the plan's own blocked paragraph (blockedId) says why
    : !canRun
      ? RUN_NEEDS_ANALYST
      : stale
        ? "The parameters changed since this plan: plan again."
        : lock && !canOverride
          ? lock.message
          : overriding && reason.trim().length < MIN_OVERRIDE_REASON
            ? `Write why ${lock.skips} (at least ${MIN_OVERRIDE_REASON} characters).`
            : awaitingApproval
              ? "Execute is enabled once an approver signs off this plan."
              : requiresConfirmation && typed !== podName
                ? "Type the pod's name exactly to enable this button."
                : null;
  const disabled = pending || Boolean(blocked) || why !== null;

  return (
    <form
      className="space-y-3"
      onSubmit={(e) => {
        e.preventDefault();
        if (!disabled) onExecute({ confirm: requiresConfirmation ? typed : undefined, overrideReason: overriding ? reason : undefined });
      }}
    >
      {requiresConfirmation && (
        <PodNameConfirm
          id={confirmId}
          name="confirm"
          value={typed}
          onChange={setTyped}
          help={
            <>
              This step is {risk}. Type <code className="font-semibold">{podName}</code> to enable it.
            </>
          }
        />
      )}
      {overriding && (
        <div>
          <label htmlFor={reasonId} className="block text-sm font-medium">
            Reason for overriding the lock ({lock.skips})
          </label>
          <textarea
            id={reasonId}
            name="overrideReason"
            value={reason}
            onChange={(e) => setReason(e.target.value)}
            minLength={MIN_OVERRIDE_REASON}
            rows={2}
            className="mt-1 block w-full max-w-md rounded-md border border-slate-300 px-3 py-1.5 text-sm"
          />
          <p className="text-xs text-slate-600">Logged on the timeline with your name; at least {MIN_OVERRIDE_REASON} characters.</p>
        </div>
      )}
      {children}
      <div className="flex items-center gap-3">
        <Button
          type="submit"
          variant={risk === "destructive" || risk === "disruptive" ? "danger" : "primary"}
          disabled={disabled}
          aria-describedby={blocked ? blockedId : why ? whyId : undefined}
        >
          {pending ? "Running…" : "Execute"}
        </Button>
        {why && !pending && (
          <span id={whyId} className="text-sm text-slate-700">
            {why}
          </span>
        )}
      </div>
    </form>
  );
}
