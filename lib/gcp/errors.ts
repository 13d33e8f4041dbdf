import "server-only";
import { isHttpError } from "@/lib/http/errors";
import { statusOf, systemCodeOf } from "@/lib/kube/retry";

export type GcpErrorInfo = { status: number; reason: string; message: string };

const REASON_BY_STATUS: Record<number, string> = {
  400: "InvalidArgument",
  401: "Unauthenticated",
  403: "PermissionDenied",
  404: "NotFound",
  409: "Conflict",
  429: "ResourceExhausted",
  500: "Internal",
  501: "Unimplemented",
  503: "Unavailable",
  504: "DeadlineExceeded",
};

const MESSAGE_BY_STATUS: Record<number, string> = {
  401: "Google Cloud rejected Airlock's credentials (check Application Default Credentials).",
  403: "Airlock's Google Cloud identity lacks the permission for this call.",
  404: "Not found in Google Cloud.",
  429: "Google Cloud is throttling requests or a quota is exhausted; try again shortly.",
  503: "Google Cloud is unavailable right now; try again shortly.",
};

function clip(text: string): string {
  const oneLine = text.replace(/\s+/g, " ").trim();
  return oneLine.length > 500 ? oneLine.slice(0, 497) + "…" : oneLine;
}

/** The API's own error text when it came from the server, not from the library or the runtime. */
function serverMessage(err: unknown): string | undefined {
  const e = err as { message?: unknown; details?: unknown; errors?: unknown };
  // gax sets `details` (or parses `error.message` into `message`) only for errors the API returned.
  const text = typeof e?.details === "string" && e.details ? e.details : typeof e?.message === "string" ? e.message : undefined;
  if (!text) return undefined;
  // A numeric gRPC prefix ("5 NOT_FOUND: …") is noise; stacks and library internals are not for users.
  const stripped = text.replace(/^\d+\s+[A-Z_]+:\s*/, "");
  if (/\n\s+at\s|node_modules|ECONN|fetch failed/i.test(stripped)) return undefined;
  return clip(stripped);
}

/** Turns a google-gax / Google API error into a message fit for a user. */
export function gcpError(err: unknown): GcpErrorInfo {
  // Our own errors (timeouts, unknown clusters) already carry a message meant for users.
  if (isHttpError(err)) return { status: err.status, reason: err.reason ?? "Error", message: err.message };
  const status = statusOf(err);
  if (status !== undefined) {
    return {
      status,
      reason: REASON_BY_STATUS[status] ?? "Unknown",
      message: serverMessage(err) ?? MESSAGE_BY_STATUS[status] ?? `The Google Cloud API answered ${status}.`,
    };
  }
  const code = systemCodeOf(err);
  if (code) {
    return { status: 502, reason: "Unreachable", message: `The Google Cloud API is unreachable (${code}).` };
  }
  if (err instanceof Error && /Could not load the default credentials|Unable to detect a Project Id/i.test(err.message)) {
    return {
      status: 502,
      reason: "Unauthenticated",
      message: "No Google Cloud credentials: set up Application Default Credentials or an endpoint override.",
    };
  }
  return { status: 502, reason: "Unknown", message: "The Google Cloud API call failed." };
}
