"use client";

import { useActionState } from "react";
import { ActionResult, FieldError } from "@/components/ui/action-result";
import { SubmitButton } from "@/components/ui/submit-button";
import { createApiToken } from "./actions/create-token";

export function CreateTokenForm() {
  const [state, formAction] = useActionState(createApiToken, null);
  const nameError = state?.ok === false && state.fieldErrors?.name;
  return (
    <form action={formAction} className="space-y-3">
      <div>
        <label htmlFor="token-name" className="block text-sm font-medium">
          Token name
        </label>
        <div className="mt-1 flex gap-2">
          <input
            id="token-name"
            name="name"
            required
            maxLength={80}
            placeholder="e.g. soar-playbook"
            aria-invalid={nameError ? true : undefined}
            aria-describedby={nameError ? "token-name-error" : undefined}
            className="block w-full max-w-sm rounded-md border border-slate-300 px-3 py-2 text-sm"
          />
          <SubmitButton pendingLabel="Creating…">Create token</SubmitButton>
        </div>
        <FieldError state={state} name="name" id="token-name-error" />
      </div>
      <ActionResult
        state={state}
        success={(t) => (
          <div className="space-y-2">
            <p>
              Token <strong>{t.name}</strong> created. Copy it now: it will not be shown again.
            </p>
            <label htmlFor="new-token" className="block text-xs font-medium">
              New token
            </label>
            <input
              id="new-token"
              readOnly
              value={t.token}
              className="block w-full rounded border border-emerald-400 bg-white px-2 py-1 font-mono text-xs"
              onFocus={(e) => e.currentTarget.select()}
            />
          </div>
        )}
      />
    </form>
  );
}
