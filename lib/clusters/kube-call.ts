import "server-only";
import { kubeHttpError } from "@/lib/kube/errors";
import { withRetry } from "@/lib/kube/retry";
import { withTimeout } from "@/lib/kube/timeout";

/**
 * One read against a cluster, as the browse services make them: retried when transient,
 * bounded in time, and failing with an HttpError whose message a user can read.
 */
export async function kubeRead<T>(fn: () => Promise<T>, timeoutMs = 15_000): Promise<T> {
  try {
    return await withTimeout(withRetry(fn), timeoutMs);
  } catch (err) {
    throw kubeHttpError(err);
  }
}
