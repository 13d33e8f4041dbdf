import "server-only";
import { HttpError } from "@/lib/http/errors";

/**
 * Bounds how long a page waits on one API server. The generated client calls take no timeout,
 * and a blackholed endpoint otherwise holds the request for the OS's TCP timeout (minutes).
 * The abandoned call finishes in the background; its result is dropped.
 */
export function withTimeout<T>(promise: Promise<T>, ms: number, what = "The cluster's API server"): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new HttpError(504, `${what} did not answer within ${Math.round(ms / 1000)} s.`, { reason: "Timeout" })), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
