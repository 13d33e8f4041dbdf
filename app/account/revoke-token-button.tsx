"use client";

import { useActionState } from "react";
import { ActionResult } from "@/components/ui/action-result";
import { SubmitButton } from "@/components/ui/submit-button";
import { revokeApiToken } from "./actions/revoke-token";

export function RevokeTokenButton({ id, name }: { id: string; name: string }) {
  const [state, formAction] = useActionState(revokeApiToken, null);
  return (
    <form action={formAction} className="flex flex-col items-end gap-1">
      <input type="hidden" name="id" value={id} />
      <SubmitButton variant="danger" size="sm" aria-label={`Revoke token ${name}`} pendingLabel="Revoking…">
        Revoke
      </SubmitButton>
      <ActionResult state={state} success={() => "Revoked."} />
    </form>
  );
}
