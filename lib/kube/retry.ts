import "server-only";

export type RetryOptions = {
  /** Total tries including the first; default 4. */
  attempts?: number;
  /** First backoff in ms; doubles each try (full jitter). Default 200. */
  baseMs?: number;
  /** Ceiling for one wait in ms; default 3000. */
  maxMs?: number;
  /** Decides whether an error is worth another try; default `isTransient`. */
  retryOn?: (err: unknown) => boolean;
  /** Called before each wait, e.g. to log; never receives raw text meant for users. */
  onRetry?: (info: { attempt: number; delayMs: number; status?: number; code?: string }) => void;
  /** Injected for tests; default setTimeout. */
  sleep?: (ms: number) => Promise<void>;
};

const TRANSIENT_CODES = new Set(["ECONNRESET", "ETIMEDOUT", "EPIPE", "EAI_AGAIN", "ECONNABORTED", "UND_ERR_SOCKET"]);

/** HTTP equivalents of gRPC status codes, which google-gax errors carry in `code` even over REST. */
const HTTP_BY_GRPC: Record<number, number> = {
  1: 499, // CANCELLED
  2: 500, // UNKNOWN
  3: 400, // INVALID_ARGUMENT
  4: 504, // DEADLINE_EXCEEDED
  5: 404, // NOT_FOUND
  6: 409, // ALREADY_EXISTS
  7: 403, // PERMISSION_DENIED
  8: 429, // RESOURCE_EXHAUSTED
  9: 400, // FAILED_PRECONDITION
  10: 409, // ABORTED
  11: 400, // OUT_OF_RANGE
  12: 501, // UNIMPLEMENTED
  13: 500, // INTERNAL
  14: 503, // UNAVAILABLE
  15: 500, // DATA_LOSS
  16: 401, // UNAUTHENTICATED
};

/** HTTP status of a client-node ApiException, a gax/Google error, or a fetch-like error; undefined when none. */
export function statusOf(err: unknown): number | undefined {
  if (!err || typeof err !== "object") return undefined;
  const e = err as { code?: unknown; status?: unknown; statusCode?: unknown; httpStatusCode?: unknown; response?: { status?: unknown } };
  // The Google clients' REST fallback keeps the real HTTP status here, while `code` holds a gRPC
  // code that maps 412 (stale fingerprint) to FAILED_PRECONDITION and so would read as 400.
  if (typeof e.httpStatusCode === "number") return e.httpStatusCode;
  // client-node puts the HTTP status in `code`; Node system errors put a string there.
  if (typeof e.code === "number" && e.code >= 100 && e.code < 600) return e.code;
  if (typeof e.code === "number" && HTTP_BY_GRPC[e.code] !== undefined) return HTTP_BY_GRPC[e.code];
  if (typeof e.status === "number") return e.status;
  if (typeof e.statusCode === "number") return e.statusCode;
  if (e.response && typeof e.response.status === "number") return e.response.status;
  return undefined;
}

/** Node system error code (ECONNRESET, ECONNREFUSED, …) found on the error or its causes. */
export function systemCodeOf(err: unknown): string | undefined {
  let cur: unknown = err;
  for (let depth = 0; depth < 5 && cur && typeof cur === "object"; depth++) {
    const e = cur as { code?: unknown; errno?: unknown; cause?: unknown };
    if (typeof e.code === "string" && /^[A-Z][A-Z0-9_]+$/.test(e.code)) return e.code;
    if (typeof e.errno === "string" && /^[A-Z][A-Z0-9_]+$/.test(e.errno)) return e.errno;
    cur = e.cause;
  }
  return undefined;
}

/**
 * Throttling, server-side failures and dropped connections: worth another try. 501 is not
 * (the server will never implement it). ECONNREFUSED is not either: an unreachable cluster
 * should say so at once rather than after several backoffs.
 */
export function isTransient(err: unknown): boolean {
  const status = statusOf(err);
  if (status !== undefined) return status === 429 || (status >= 500 && status !== 501);
  const code = systemCodeOf(err);
  return code !== undefined && TRANSIENT_CODES.has(code);
}

function retryAfterMs(err: unknown): number | undefined {
  const headers = (err as { headers?: Record<string, string> } | null)?.headers;
  const raw = headers?.["retry-after"] ?? headers?.["Retry-After"];
  if (!raw) return undefined;
  const seconds = Number(raw);
  return Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : undefined;
}

const defaultSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * Runs `fn` until it succeeds, fails with a non-transient error, or runs out of attempts.
 * Waits use full jitter so many callers hitting one throttled API server spread out; a
 * Retry-After header raises the wait but never above `maxMs`. Only wrap calls that are safe
 * to repeat (reads, idempotent writes such as PATCH of a fixed shape or create-with-409-as-success).
 */
export async function withRetry<T>(fn: (attempt: number) => Promise<T>, opts: RetryOptions = {}): Promise<T> {
  const attempts = Math.max(1, opts.attempts ?? 4);
  const baseMs = opts.baseMs ?? 200;
  const maxMs = opts.maxMs ?? 3000;
  const retryOn = opts.retryOn ?? isTransient;
  const sleep = opts.sleep ?? defaultSleep;
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (err) {
      if (attempt >= attempts || !retryOn(err)) throw err;
      const ceiling = Math.min(maxMs, baseMs * 2 ** (attempt - 1));
      const delayMs = Math.min(maxMs, Math.max(Math.random() * ceiling, retryAfterMs(err) ?? 0));
      opts.onRetry?.({ attempt, delayMs, status: statusOf(err), code: systemCodeOf(err) });
      await sleep(delayMs);
    }
  }
}
