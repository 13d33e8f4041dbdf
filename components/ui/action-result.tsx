import type { ReactNode } from "react";

/** The shape server actions return (mirrors lib/actions/safe-action.ts, kept client-safe). */
export type ActionState<T = unknown> = { ok: true; data: T } | { ok: false; message: string; fieldErrors?: Record<string, string[]> } | null;

/**
 * An always-present aria-live region that announces an action's outcome. Render it once per
 * form and pass the state from useActionState; `success` renders the ok case.
 */
export function ActionResult<T>({ state, success, id }: { state: ActionState<T>; success?: (data: T) => ReactNode; id?: string }) {
  return (
    <div id={id} aria-live="polite" aria-atomic="true" className="min-h-0 text-sm">
      {state?.ok === false && (
        <p role="alert" className="rounded-md border border-red-300 bg-red-50 px-3 py-2 text-red-900">
          {state.message}
        </p>
      )}
      {state?.ok === true && success && (
        <div className="rounded-md border border-emerald-300 bg-emerald-50 px-3 py-2 text-emerald-900">{success(state.data)}</div>
      )}
    </div>
  );
}

/** The messages for one field from an action's fieldErrors, linked by id for aria-describedby. */
export function FieldError({ state, name, id }: { state: ActionState<unknown>; name: string; id: string }) {
  const errors = state?.ok === false ? state.fieldErrors?.[name] : undefined;
  if (!errors?.length) return null;
  return (
    <p id={id} className="mt-1 text-sm text-red-700">
      {errors.join(" ")}
    </p>
  );
}
