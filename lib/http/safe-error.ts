import "server-only";
import { isHttpError } from "./errors";
import { logError, redact, type LogFields } from "./log";

/** The two doors into the service layer: route handlers (/api/v1) and server actions (the UI). */
export type Door = "route" | "action";

/** What a door may tell its caller about a failure. */
export type SafeError = {
  status: number;
  message: string;
  fieldErrors?: Record<string, string[]>;
  /** Machine-readable reason of a deliberate HttpError, e.g. "step-failed". */
  reason?: string;
  /** Set when the server log holds the full error under this id. */
  ref?: string;
};

// An API client reads "Internal error"; an analyst in the console reads a plain sentence. Only the
// wording differs: what is hidden and what is logged is the same through both doors.
const HIDDEN: Record<Door, string> = { route: "Internal error", action: "Something went wrong" };

function deliberate(err: unknown): err is { status: number; message: string; fieldErrors?: Record<string, string[]>; reason?: string } {
  return isHttpError(err) && Number.isInteger(err.status) && err.status >= 400 && err.status <= 599;
}

/**
 * The one error policy of both doors. A deliberate HttpError (any 4xx or 5xx, including a
 * step's 502 "failed: <reason>") reaches the caller with its message, field errors and reason;
 * a 5xx is also logged and its message carries the reference. Anything else is logged in full
 * under `ref` and reported only by that reference, never by its own text.
 */
export function safeError(err: unknown, ref: string, where: { door: Door } & LogFields): SafeError {
  if (deliberate(err)) {
    const shown: SafeError = {
      status: err.status,
      // Deliberate messages may quote an upstream answer (a Status text, a Google API error),
      // and those can echo a credential.
      message: redact(err.message),
      ...(err.fieldErrors ? { fieldErrors: err.fieldErrors } : {}),
      ...(err.reason ? { reason: err.reason } : {}),
    };
    if (err.status < 500) return shown;
    logError(ref, err, where);
    return { ...shown, message: `${shown.message} (ref ${ref})`, ref };
  }
  logError(ref, err, where);
  return { status: 500, message: `${HIDDEN[where.door]} (ref ${ref})`, ref };
}
