import "server-only";
import { computeClients } from "@/lib/gcp/clients";
import { gcpError } from "@/lib/gcp/errors";
import { HttpError } from "@/lib/http/errors";
import { statusOf, withRetry } from "@/lib/kube/retry";
import type { StepContext } from "../../types";

export { computeClients, withRetry };

export type InstanceRef = { project: string; zone: string; name: string };

export function gcpFailure(what: string, err: unknown): HttpError {
  const info = gcpError(err);
  return new HttpError(info.status, `${what}: ${info.message}`, { reason: info.reason });
}

export function instanceOf(ctx: StepContext): InstanceRef | null {
  return ctx.incident.targets.instance;
}

export function noInstance(ctx: StepContext): string {
  const node = ctx.incident.targets.node;
  return node
    ? `The GCE instance behind node ${node} is not known (no gce:// provider ID): node-level steps are unavailable.`
    : "The pod is not scheduled on a node: node-level steps are unavailable.";
}

export async function gcpReadOrNull<T>(read: () => Promise<T>): Promise<T | null> {
  try {
    return await withRetry(read);
  } catch (err) {
    if (statusOf(err) === 404) return null;
    throw err;
  }
}

type OperationLike = { name?: string | null; status?: unknown; zone?: string | null; error?: { errors?: { message?: string | null }[] | null } | null };

function isDone(op: OperationLike): boolean {
  return op.status === "DONE" || op.status === 2104194; // REST name, or the proto enum number
}

function lastSegment(url: string | null | undefined): string | undefined {
  return url ? url.split("/").filter(Boolean).pop() : undefined;
}

/**
 * Waits for a Compute operation the way the client samples do (operations.wait until DONE): the
 * LRO `.promise()` of these clients is documented as unsupported. Throws on an operation error.
 */
export async function waitOperation(started: readonly unknown[] | unknown, scope: { project: string; zone?: string }): Promise<void> {
  const first = Array.isArray(started) ? started[0] : started;
  // Cast: the clients type insert/delete answers as LROperation wrappers whose latestResponse (the raw Operation) is untyped.
  let op = ((first as { latestResponse?: OperationLike })?.latestResponse ?? first) as OperationLike;
  const c = computeClients();
  for (let i = 0; i < 120 && op && !isDone(op); i++) {
    if (!op.name) break;
    const zone = scope.zone ?? lastSegment(op.zone);
    const [next] = zone
      ? await withRetry(() => c.zoneOperations.wait({ project: scope.project, zone, operation: op.name! }))
      : await withRetry(() => c.globalOperations.wait({ project: scope.project, operation: op.name! }));
    op = next;
  }
  const errors = op?.error?.errors ?? [];
  if (errors.length) {
    throw new HttpError(502, `The Compute operation failed: ${errors.map((e) => e.message ?? "unknown error").join("; ")}`);
  }
}

/** Resource URL → name (`…/global/networks/default` → `default`). */
export function nameOf(url: string | null | undefined): string {
  return lastSegment(url) ?? "";
}
