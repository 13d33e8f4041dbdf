"use client";

import { useActionState } from "react";
import { ActionResult, FieldError } from "@/components/ui/action-result";
import { SubmitButton } from "@/components/ui/submit-button";
import { createApiToken } from "./actions/create-token";

const input = "mt-1 block w-full max-w-sm rounded-md border border-slate-300 px-3 py-2 text-sm";
const utc = (iso: string) => iso.replace("T", " ").slice(0, 16) + " UTC";

/** `needsPassword`: a local account re-enters its password; a single sign-on account needs a fresh sign-in instead. */
export function CreateTokenForm({ needsPassword, defaultDays, maxDays }: { needsPassword: boolean; defaultDays: number; maxDays: number }) {
  const [state, formAction] = useActionState(createApiToken, null);
  const err = (name: string) => (state?.ok === false && state.fieldErrors?.[name] ? `token-${name}-error` : undefined);
  return (
    <form action={formAction} className="space-y-3">
      <div>
        <label htmlFor="token-name" className="block text-sm font-medium">
          Token name
        </label>
        <input
          id="token-name"
          name="name"
          required
          maxLength={80}
          placeholder="e.g. soar-playbook"
          aria-invalid={err("name") ? true : undefined}
          aria-describedby={err("name")}
          className={input}
        />
        <FieldError state={state} name="name" id="token-name-error" />
      </div>
      <div>
        <label htmlFor="token-days" className="block text-sm font-medium">
          Expires after (days)
        </label>
        <input
          id="token-days"
          name="days"
          type="number"
          min={1}
          max={maxDays}
          defaultValue={defaultDays}
          required
          aria-invalid={err("days") ? true : undefined}
          aria-describedby={err("days")}
          className={input}
        />
        <FieldError state={state} name="days" id="token-days-error" />
      </div>
      <div className="flex items-center gap-2">
        <input id="token-read-only" name="readOnly" type="checkbox" className="h-4 w-4" />
        <label htmlFor="token-read-only" className="text-sm">
          Read-only (refused on anything that changes state)
        </label>
      </div>
      {needsPassword && (
        <div>
          <label htmlFor="token-password" className="block text-sm font-medium">
            Your password
          </label>
          <input
            id="token-password"
            name="password"
            type="password"
            autoComplete="current-password"
            required
            aria-invalid={err("password") ? true : undefined}
            aria-describedby={err("password")}
            className={input}
          />
          <FieldError state={state} name="password" id="token-password-error" />
        </div>
      )}
      <SubmitButton pendingLabel="Creating…">Create token</SubmitButton>
      <ActionResult
        state={state}
        success={(t) => (
          <div className="space-y-2">
            <p>
              Token <strong>{t.name}</strong> created{t.readOnly ? " (read-only)" : ""}, expires {utc(t.expiresAt)}. Copy it now: it will not be shown again.
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
