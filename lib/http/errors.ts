/**
 * An error whose message is safe to show the caller, with the HTTP status it maps to.
 * Services throw it (`throw new HttpError(404, "Pod shop/x not found")`); both doors
 * (route handlers and server actions) turn it into a response. Any other error becomes a
 * generic 500 with a reference id, and its text stays in the server log.
 */
export class HttpError extends Error {
  readonly status: number;
  readonly fieldErrors?: Record<string, string[]>;
  /** Optional machine-readable reason, e.g. "plan-changed". */
  readonly reason?: string;

  constructor(status: number, message: string, opts: { fieldErrors?: Record<string, string[]>; reason?: string } = {}) {
    super(message);
    this.name = "HttpError";
    this.status = status;
    this.fieldErrors = opts.fieldErrors;
    this.reason = opts.reason;
  }
}

export function isHttpError(e: unknown): e is HttpError {
  return e instanceof HttpError || (e instanceof Error && e.name === "HttpError" && typeof (e as HttpError).status === "number");
}
