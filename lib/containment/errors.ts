import "server-only";
import { isHttpError } from "@/lib/http/errors";
import { logError, newRef } from "@/lib/http/log";
import { gcpError } from "@/lib/gcp/errors";
import { kubeError } from "@/lib/kube/errors";
import { statusOf } from "@/lib/kube/retry";
import { countUpstreamError, type Upstream } from "@/lib/observe/metrics";

/**
 * A reason fit for the timeline and the user: an HttpError's own message, the API server's
 * Status text (Kubernetes) or the API's error text (Google), else a sentence with a reference
 * id whose raw exception is in the server log. Never the exception's own text.
 */
export function readableReason(err: unknown, where: Record<string, string | undefined> = {}): { status: number; message: string } {
  if (isHttpError(err)) return { status: err.status, message: err.message };
  // client-node errors carry a Kubernetes Status body; gax errors carry details/statusDetails.
  const e = err as { body?: unknown; details?: unknown; statusDetails?: unknown };
  const status = statusOf(err);
  if (status !== undefined && e && typeof e === "object" && "body" in e) {
    const info = kubeError(err);
    countUpstreamError("kubernetes", info.status);
    return { status: info.status, message: info.message };
  }
  if (status !== undefined && e && typeof e === "object" && ("details" in e || "statusDetails" in e)) {
    const info = gcpError(err);
    countUpstreamError(googleUpstreamOf(err), info.status);
    return { status: info.status, message: info.message };
  }
  const ref = newRef();
  logError(ref, err, { door: "containment", ...where });
  if (status !== undefined) {
    const info = kubeError(err);
    return { status: info.status, message: `${info.message} (ref ${ref})` };
  }
  return { status: 502, message: `The call failed; the server log has the details (ref ${ref}).` };
}

/**
 * Which Google API answered, from the request URL the client library keeps on its error
 * (gaxios: `config.url`; the REST fallback of gax keeps none, hence "google").
 */
export function googleUpstreamOf(err: unknown): Upstream {
  const e = err as { config?: { url?: unknown }; response?: { config?: { url?: unknown } }; url?: unknown };
  const url = [e?.config?.url, e?.response?.config?.url, e?.url].find((u) => typeof u === "string" || u instanceof URL);
  if (!url) return "google";
  const s = String(url);
  if (/\/\/iam\.|\/serviceAccounts\b/.test(s)) return "iam";
  if (/\/\/storage\.|\/(upload\/)?storage\/v1\//.test(s)) return "storage";
  if (/\/\/container\.|\/clusters\b/.test(s)) return "container";
  if (/\/\/compute\.|\/compute\/v1\//.test(s)) return "compute";
  return "google";
}
