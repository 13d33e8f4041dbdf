import "server-only";
import { unstable_rethrow } from "next/navigation";
import type { z } from "zod";
import { getCaller, meetsRequirement, type Caller, type RoleRequirement } from "@/lib/auth";
import { logRequest, newRef } from "@/lib/http/log";
import { safeError } from "@/lib/http/safe-error";
import { fieldErrorsOf } from "@/lib/http/zod-errors";

export type ActionResult<T> = { ok: true; data: T } | { ok: false; message: string; fieldErrors?: Record<string, string[]> };

export type ActionCtx = { caller: Caller; requestId: string };

export type ActionOptions<S extends z.ZodType> = {
  schema: S;
  /** Who may call: a role, any of several roles, or "authenticated". */
  role: RoleRequirement;
};

/**
 * The function a server action file exports. Call it with the input object, with a FormData,
 * or hand it to `useActionState` (it then receives the previous state and the FormData).
 */
export type SafeAction<S extends z.ZodType, T> = (
  inputOrState: z.input<S> | FormData | ActionResult<T> | null,
  formData?: FormData,
) => Promise<ActionResult<T>>;

/** FormData → plain object; repeated names become arrays; Next's internal $ACTION_ fields are dropped. */
export function formDataToObject(fd: FormData): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of new Set(fd.keys())) {
    if (key.startsWith("$ACTION_")) continue;
    const all = fd.getAll(key);
    out[key] = all.length === 1 ? all[0] : all;
  }
  return out;
}

/**
 * Wraps a server action: authenticates (its own check, whatever the page did), checks the role,
 * validates with zod, and returns a typed result. Failures go through `safeError`, the policy
 * route handlers share: an HttpError's message is shown (a failed step's reason included), and
 * anything else is logged with a reference id and reported only by that id.
 * Call `redirect()` after awaiting the result, not inside `fn` (it is rethrown if you do).
 */
export function action<S extends z.ZodType, T>(
  opts: ActionOptions<S>,
  fn: (input: z.output<S>, ctx: ActionCtx) => Promise<T>,
): SafeAction<S, T> & { door: ActionOptions<S> } {
  const run = async (requestId: string, inputOrState: Parameters<SafeAction<S, T>>[0], formData?: FormData): Promise<ActionResult<T>> => {
    try {
      const caller = await getCaller();
      if (!caller) return { ok: false, message: "Your session has ended: sign in again" };
      if (!meetsRequirement(caller, opts.role)) return { ok: false, message: "Your role does not allow this" };

      const raw = formData instanceof FormData ? formDataToObject(formData) : inputOrState instanceof FormData ? formDataToObject(inputOrState) : inputOrState;
      const parsed = opts.schema.safeParse(raw ?? {});
      if (!parsed.success) {
        return { ok: false, message: "Please correct the highlighted fields", fieldErrors: fieldErrorsOf(parsed.error) };
      }
      const data = await fn(parsed.data, { caller, requestId });
      return { ok: true, data };
    } catch (err) {
      unstable_rethrow(err);
      const e = safeError(err, requestId, { door: "action" });
      return { ok: false, message: e.message, ...(e.fieldErrors ? { fieldErrors: e.fieldErrors } : {}) };
    }
  };
  const wrapped: SafeAction<S, T> = async (inputOrState, formData) => {
    const requestId = newRef();
    const started = performance.now();
    let ok = false; // a redirect() rethrown from inside is logged as not ok: nothing in it failed, but nothing returned either
    try {
      const result = await run(requestId, inputOrState, formData);
      ok = result.ok;
      return result;
    } finally {
      logRequest({ door: "action", requestId, ok, started });
    }
  };
  // What action() was given, kept on the function: `npm run proof` generates bad input from the schema.
  return Object.assign(wrapped, { door: opts });
}
