"use client";

import { useRouter } from "next/navigation";
import { useActionState, useEffect } from "react";
import { openIncidentFromAlertAction } from "@/app/alerts/actions/open-incident";
import { ActionResult, type ActionState } from "@/components/ui/action-result";
import { SubmitButton } from "@/components/ui/submit-button";

/** "Open incident" for one alert's pod: on success, to the incident. */
export function OpenIncidentButton({ alertId, label }: { alertId: string; label: string }) {
  const router = useRouter();
  const [state, formAction] = useActionState(openIncidentFromAlertAction, null as ActionState<{ id: string; opened: boolean }>);
  useEffect(() => {
    if (state?.ok) router.push(`/incidents/${encodeURIComponent(state.data.id)}`);
  }, [state, router]);
  return (
    <form action={formAction} className="space-y-1">
      <input type="hidden" name="alertId" value={alertId} />
      <SubmitButton variant="primary" pendingLabel="Opening…" aria-label={label}>
        Open incident
      </SubmitButton>
      <ActionResult state={state} />
    </form>
  );
}
