import "server-only";
import type { V1Pod } from "@kubernetes/client-node";
import { HttpError } from "@/lib/http/errors";
import { kubeApis, type KubeApis } from "@/lib/kube/clients";
import { isNotFound, kubeError } from "@/lib/kube/errors";
import { withRetry } from "@/lib/kube/retry";
import type { StepContext } from "../../types";

export { patchOptions, PatchStrategy } from "@/lib/kube/clients";
export { withRetry, isNotFound };

/** A step's context (the incident's cluster) or a cluster's API clients directly. */
export type KubeTarget = StepContext | KubeApis;

/** The API clients of the incident's cluster (or the clients given). */
export function apis(target: KubeTarget): KubeApis {
  return "incident" in target ? kubeApis(target.incident.targets.cluster) : target;
}

/** The API server's Status text, never the exception's own. */
export function kubeMessage(err: unknown): string {
  return kubeError(err).message;
}

/** An HttpError carrying the API server's readable reason, for execute/undo to throw. */
export function kubeFailure(what: string, err: unknown): HttpError {
  const info = kubeError(err);
  return new HttpError(info.status, `${what}: ${info.message}`, { reason: info.reason });
}

/** Reads with retries of transient errors; null when the object does not exist. */
export async function readOrNull<T>(read: () => Promise<T>): Promise<T | null> {
  try {
    return await withRetry(read);
  } catch (err) {
    if (isNotFound(err)) return null;
    throw err;
  }
}

/**
 * The incident's pod, only if it is still the same object: a StatefulSet recreates a pod under
 * the same name, and acting on the successor would contain the wrong workload.
 */
export async function readIncidentPod(ctx: StepContext): Promise<V1Pod | null> {
  const t = ctx.incident.targets;
  const pod = await readOrNull(() => apis(ctx).core.readNamespacedPod({ name: t.pod, namespace: t.namespace }));
  if (!pod) return null;
  if (t.podUid && pod.metadata?.uid && pod.metadata.uid !== t.podUid) return null;
  return pod;
}

export function podGone(ctx: StepContext): string {
  const t = ctx.incident.targets;
  return `Pod ${t.namespace}/${t.pod} no longer exists (or was replaced by a new pod of the same name).`;
}

/** Runs a server-side dry run and reports it the way the wizard shows it. */
export async function dryRun(label: string, call: () => Promise<unknown>): Promise<{ ok: boolean; message: string }> {
  try {
    await withRetry(call);
    return { ok: true, message: `Server-side dry run accepted: ${label}.` };
  } catch (err) {
    return { ok: false, message: `Server-side dry run refused ${label}: ${kubeMessage(err)}` };
  }
}

/** Combines several dry runs into the single result a plan carries. */
export function combineDryRuns(results: { ok: boolean; message: string }[]): { ok: boolean; message: string } | undefined {
  if (results.length === 0) return undefined;
  return { ok: results.every((r) => r.ok), message: results.map((r) => r.message).join("\n") };
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Polls `check` until it returns a value or `tries` run out; for effects controllers apply shortly after a write. */
export async function pollFor<T>(check: () => Promise<T | undefined | null>, tries = 20, everyMs = 500): Promise<T | undefined> {
  for (let i = 0; i < tries; i++) {
    const v = await check();
    if (v !== undefined && v !== null) return v;
    await sleep(everyMs);
  }
  return undefined;
}
