import "server-only";
import { HttpError } from "@/lib/http/errors";
import { logError, newRef } from "@/lib/http/log";

/** A stored body whose SHA-256 is not the one it was stored under: changed after collection. */
export class EvidenceTamperedError extends Error {
  constructor(readonly key: string) {
    super(`the stored body of ${key} no longer matches its SHA-256`);
    this.name = "EvidenceTamperedError";
  }
}

/** The HTTP status Cloud Storage answered (ApiError.code), if the error came from it. */
export function storageStatus(err: unknown): number | undefined {
  const code = (err as { code?: unknown })?.code;
  return typeof code === "number" ? code : undefined;
}

/**
 * A Cloud Storage failure as the caller may see it: the status and Google's reason token, never
 * the library's text (it carries URLs and internals); the whole error goes to the server log
 * under the ref the message names.
 */
export function storageFailure(err: unknown, action: "storing" | "reading" | "listing"): HttpError {
  const ref = newRef();
  logError(ref, err, { door: "evidence", store: "gcs", action });
  const status = storageStatus(err);
  const reason = (err as { errors?: { reason?: unknown }[] })?.errors?.[0]?.reason;
  const what =
    status === 401 || status === 403
      ? `Cloud Storage refused Airlock's identity (${status}) while ${action} evidence; check the bucket's IAM grants`
      : status !== undefined
        ? `Cloud Storage answered ${status}${typeof reason === "string" && /^[A-Za-z]+$/.test(reason) ? ` (${reason})` : ""} while ${action} evidence`
        : `Cloud Storage could not be reached while ${action} evidence`;
  return new HttpError(502, `${what} (ref ${ref})`, { reason: "evidence-store-failed" });
}
