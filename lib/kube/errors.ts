import "server-only";
import { HttpError, isHttpError } from "@/lib/http/errors";
import { statusOf, systemCodeOf } from "./retry";

/** What may be shown to a user about a failed Kubernetes call. */
export type KubeErrorInfo = {
  /** HTTP status to answer with (the API server's, or 502/504 when it could not be reached). */
  status: number;
  /** Kubernetes Status reason (NotFound, Forbidden, …) or our own (Unreachable, Timeout, Unknown). */
  reason: string;
  message: string;
};

type StatusBody = { kind?: string; message?: unknown; reason?: unknown };

function parseBody(body: unknown): StatusBody | undefined {
  if (!body) return undefined;
  if (typeof body === "object") return body as StatusBody;
  if (typeof body === "string") {
    try {
      const parsed = JSON.parse(body) as unknown;
      return parsed && typeof parsed === "object" ? (parsed as StatusBody) : undefined;
    } catch {
      return undefined;
    }
  }
  return undefined;
}

const REASON_BY_STATUS: Record<number, string> = {
  400: "BadRequest",
  401: "Unauthorized",
  403: "Forbidden",
  404: "NotFound",
  405: "MethodNotAllowed",
  409: "Conflict",
  410: "Expired",
  422: "Invalid",
  429: "TooManyRequests",
  500: "InternalError",
  503: "ServiceUnavailable",
  504: "Timeout",
};

const MESSAGE_BY_STATUS: Record<number, string> = {
  401: "The cluster rejected Airlock's credentials.",
  403: "Airlock's Kubernetes identity is not allowed to do this.",
  404: "Not found in the cluster.",
  410: "The list expired; start again from the first page.",
  429: "The API server is throttling requests; try again shortly.",
};

/** Keeps API-server messages readable and bounded; they are the Status text, never a stack. */
function clip(text: string): string {
  const oneLine = text.replace(/\s+/g, " ").trim();
  return oneLine.length > 500 ? oneLine.slice(0, 497) + "…" : oneLine;
}

/**
 * Turns anything a client-node call can throw into a message fit for a user: the Status
 * message from the API server's body when there is one, a plain sentence for connection
 * failures, and never the exception's own text (client-node puts headers and bodies in it).
 */
export function kubeError(err: unknown): KubeErrorInfo {
  // Our own errors (timeouts, unknown clusters) already carry a message meant for users.
  if (isHttpError(err)) return { status: err.status, reason: err.reason ?? "Error", message: err.message };
  const status = statusOf(err);
  if (status !== undefined) {
    const body = parseBody((err as { body?: unknown }).body);
    const reason = typeof body?.reason === "string" && body.reason ? body.reason : (REASON_BY_STATUS[status] ?? "Unknown");
    const message =
      typeof body?.message === "string" && body.message ? clip(body.message) : (MESSAGE_BY_STATUS[status] ?? `The Kubernetes API answered ${status}.`);
    return { status, reason, message };
  }
  const code = systemCodeOf(err);
  if (code === "ECONNREFUSED" || code === "ENOTFOUND" || code === "EHOSTUNREACH" || code === "ENETUNREACH" || code === "EAI_AGAIN") {
    return { status: 502, reason: "Unreachable", message: `The cluster's API server is unreachable (${code}).` };
  }
  if (code === "ETIMEDOUT" || code === "UND_ERR_CONNECT_TIMEOUT" || (err as { name?: string })?.name === "AbortError") {
    return { status: 504, reason: "Timeout", message: "The cluster's API server did not answer in time." };
  }
  if (code === "ECONNRESET" || code === "EPIPE" || code === "UND_ERR_SOCKET") {
    return { status: 502, reason: "Unreachable", message: `The connection to the cluster's API server dropped (${code}).` };
  }
  if (code && /^(CERT_|UNABLE_TO_|DEPTH_ZERO|SELF_SIGNED|ERR_TLS)/.test(code)) {
    return { status: 502, reason: "Unreachable", message: "The cluster's TLS certificate could not be verified." };
  }
  if (err instanceof Error && /HTTP protocol is not allowed/.test(err.message)) {
    return {
      status: 502,
      reason: "InsecureServer",
      message:
        "The kubeconfig points at a plain-http API server without insecure-skip-tls-verify: true for it; use https, or set that on the cluster entry if plain HTTP is intended (kubectl proxy, the simulator).",
    };
  }
  return { status: 502, reason: "Unknown", message: "The Kubernetes API call failed." };
}

/** True when the error is the API server saying the object does not exist. */
export function isNotFound(err: unknown): boolean {
  return statusOf(err) === 404;
}

/** The same as `kubeError`, as an HttpError a service can throw to either door. */
export function kubeHttpError(err: unknown): HttpError {
  if (isHttpError(err)) return err;
  const info = kubeError(err);
  // The API server refuses a malformed `continue` token with a bare 400: it is the caller's
  // `continue` query parameter that is wrong, so the answer names it like any invalid field.
  if (info.status === 400 && /continue key is not valid/i.test(info.message)) {
    return new HttpError(400, "Invalid input", { fieldErrors: { continue: ["is not a continue token this list returned"] }, reason: info.reason });
  }
  return new HttpError(info.status, info.message, { reason: info.reason });
}
