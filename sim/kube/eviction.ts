import type { World } from "../world";
import type { SimCluster } from "./cluster";
import type { KObject } from "./types";
import { ApiError, badRequest, methodNotAllowed } from "./errors";
import { sendJson } from "../core/http";
import type { SubresourceContext } from "./api/subresources";
import { deleteObject } from "./api/delete";
import { controllerManager } from "./controllers/manager";
import { computeBudget, type PodSource } from "./controllers/pdb";
import { isPodReady, isTerminating, selectorMatches } from "./controllers/labels";

// POST pods/<name>/eviction (policy/v1 Eviction, policy/v1beta1 accepted): the API server's
// eviction REST, which is what `kubectl drain` calls. A matching PodDisruptionBudget that
// would be violated answers 429 with the DisruptionBudget cause (drain retries every 5 s);
// otherwise the pod is deleted gracefully and the answer is 201 with a Success Status.

const VIOLATION = "Cannot evict pod as it would violate the pod's disruption budget.";

interface EvictionBody {
  apiVersion?: string;
  kind?: string;
  metadata?: { name?: string; namespace?: string };
  deleteOptions?: {
    gracePeriodSeconds?: number;
    dryRun?: string[];
    preconditions?: { uid?: string; resourceVersion?: string };
    propagationPolicy?: string;
  };
}

function podSource(cluster: SimCluster): PodSource {
  const m = controllerManager(cluster);
  if (m) return m;
  return { store: cluster.store, podsIn: (ns: string) => cluster.store.scan("pods", { namespace: ns }) } as PodSource;
}

function tooManyRequests(message: string): ApiError {
  return new ApiError(429, "TooManyRequests", VIOLATION, { causes: [{ reason: "DisruptionBudget", message }] });
}

/** Evicts a pod, or throws the ApiError the API server would answer. Returns the Status. */
export function evictPod(
  world: World,
  cluster: SimCluster,
  namespace: string,
  name: string,
  body: EvictionBody,
  options: { dryRun?: boolean } = {},
): Record<string, unknown> {
  if (body.kind && body.kind !== "Eviction") throw badRequest(`expected kind Eviction, got ${body.kind}`);
  if (body.apiVersion && !["policy/v1", "policy/v1beta1"].includes(body.apiVersion))
    throw badRequest(`unsupported apiVersion for Eviction: ${body.apiVersion}`);
  if (body.metadata?.name && body.metadata.name !== name) throw badRequest("name in URL does not match name in Eviction object");
  const opts = body.deleteOptions ?? {};
  const dryRun = !!options.dryRun || (opts.dryRun ?? []).includes("All");
  if ((opts.dryRun ?? []).some((d) => d !== "All")) throw badRequest(`Invalid dry run value: ${(opts.dryRun ?? []).join(",")}`);
  const pod = cluster.store.mustGet("pods", namespace, name);

  const remove = (): Record<string, unknown> => {
    deleteObject(world, cluster, "pods", namespace, name, { gracePeriodSeconds: opts.gracePeriodSeconds, dryRun, preconditions: opts.preconditions });
    return { kind: "Status", apiVersion: "v1", metadata: {}, status: "Success", code: 201 };
  };

  // Pods that are done, not yet running or already going need no budget (canIgnorePDB).
  const phase = pod.status?.phase;
  if (phase === "Succeeded" || phase === "Failed" || phase === "Pending" || isTerminating(pod)) return remove();

  const pdbs = cluster.store.list("policy/poddisruptionbudgets", { namespace }).filter((p) => selectorMatches(p.spec?.selector, pod.metadata.labels));
  if (pdbs.length > 1) {
    throw new ApiError(
      500,
      "InternalError",
      "Internal error occurred: This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.",
      {
        causes: [{ message: "This pod has more than one PodDisruptionBudget, which the eviction subresource does not support." }],
      },
    );
  }
  if (!pdbs.length) return remove();

  const pdb = pdbs[0];
  const budget = computeBudget(podSource(cluster), pdb, world.clock.now());
  if (!isPodReady(pod)) {
    // An unhealthy pod may go when the budget is met without it (IfHealthyBudget), or always.
    if (pdb.spec?.unhealthyPodEvictionPolicy === "AlwaysAllow") return remove();
    if (budget.currentHealthy >= budget.desiredHealthy && budget.desiredHealthy > 0) return remove();
  }
  if (budget.disruptionsAllowed <= 0) {
    throw tooManyRequests(`The disruption budget ${pdb.metadata.name} needs ${budget.desiredHealthy} healthy pods and has ${budget.currentHealthy} currently`);
  }
  if (!dryRun) recordDisruption(world, cluster, pdb, name, budget.disruptionsAllowed - 1);
  return remove();
}

function recordDisruption(world: World, cluster: SimCluster, pdb: KObject, pod: string, allowed: number): void {
  const next = structuredClone(pdb);
  next.status = { ...(next.status ?? {}), disruptionsAllowed: allowed, disruptedPods: { ...(next.status?.disruptedPods ?? {}), [pod]: world.clock.isoNow() } };
  delete next.metadata.resourceVersion;
  cluster.store.update("policy/poddisruptionbudgets", next);
}

export async function handleEviction(ctx: SubresourceContext): Promise<void> {
  if (ctx.req.method !== "POST") throw methodNotAllowed();
  const raw = (await ctx.body()).toString("utf8");
  let body: EvictionBody = {};
  if (raw.trim()) {
    try {
      body = JSON.parse(raw) as EvictionBody;
    } catch (err) {
      throw badRequest(`couldn't get version/kind; json parse error: ${(err as Error).message}`);
    }
  }
  const dryRun = ctx.query.getAll("dryRun");
  if (dryRun.some((d) => d !== "All")) throw badRequest(`Invalid dry run value: ${dryRun.join(",")}`);
  const status = evictPod(ctx.world, ctx.cluster, ctx.namespace ?? "default", ctx.name, body, { dryRun: dryRun.length > 0 });
  sendJson(ctx.res, 201, status);
}
