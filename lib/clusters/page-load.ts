import "server-only";
import { isHttpError } from "@/lib/http/errors";
import { logError, newRef } from "@/lib/http/log";

export type Loaded<T> = { ok: true; data: T } | { ok: false; status: number; message: string };

/**
 * Runs a browse service for a server component and keeps failures on the page as readable
 * text (unreachable, forbidden, not found) instead of an error boundary with nothing in it.
 * Unexpected errors are logged with a reference and shown only as that reference.
 */
export async function loadForPage<T>(fn: () => Promise<T>): Promise<Loaded<T>> {
  try {
    return { ok: true, data: await fn() };
  } catch (err) {
    if (isHttpError(err)) return { ok: false, status: err.status, message: err.message };
    const ref = newRef();
    logError(ref, err, { door: "page" });
    return { ok: false, status: 500, message: `Internal error (ref ${ref})` };
  }
}
