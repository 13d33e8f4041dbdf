import { ApiError, badRequest } from "../errors";
import { RESOURCE_TYPES, resourceType, type ResourceType } from "../resources";
import type { KObject } from "../types";
import type { World } from "../../world";
import type { SimCluster } from "../cluster";

// Deletion as the API server and garbage collector do it together: pods pass through
// Terminating (deletionTimestamp + deletionGracePeriodSeconds; the kubelet side, in the
// workload controllers, removes them when the grace period ends), objects with finalizers wait
// for them, and owners take their dependents along (Background/Foreground) or leave them behind
// without an owner reference (Orphan). Used by the DELETE verb and by pods/eviction.

export type PropagationPolicy = "Background" | "Foreground" | "Orphan";

export interface DeleteOptions {
  propagationPolicy?: PropagationPolicy;
  gracePeriodSeconds?: number;
  dryRun?: boolean;
  preconditions?: { uid?: string; resourceVersion?: string };
  /** Deprecated form of propagationPolicy=Orphan. */
  orphanDependents?: boolean;
}

export interface DeleteResult {
  /** The object as it is now: Terminating, or its last state when removed. */
  object: KObject;
  /** True when the object is gone from the store (or would be, under dryRun). */
  removed: boolean;
}

function typeOf(type: ResourceType | string): ResourceType {
  return typeof type === "string" ? resourceType(type) : type;
}

function checkPreconditions(t: ResourceType, obj: KObject, pre: DeleteOptions["preconditions"]): void {
  if (!pre) return;
  const label = t.group ? `${t.resource}.${t.group}` : t.resource;
  if (pre.uid && pre.uid !== obj.metadata.uid) {
    throw new ApiError(
      409,
      "Conflict",
      `Operation cannot be fulfilled on ${label} "${obj.metadata.name}": Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${obj.metadata.uid}`,
      {
        name: obj.metadata.name,
        group: t.group,
        kind: t.resource,
      },
    );
  }
  if (pre.resourceVersion && pre.resourceVersion !== obj.metadata.resourceVersion) {
    throw new ApiError(
      409,
      "Conflict",
      `Operation cannot be fulfilled on ${label} "${obj.metadata.name}": Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${obj.metadata.resourceVersion}`,
      { name: obj.metadata.name, group: t.group, kind: t.resource },
    );
  }
}

function isoAfter(world: World, seconds: number): string {
  return new Date(world.clock.now() + seconds * 1000).toISOString().replace(/\.\d{3}Z$/, "Z");
}

/** Objects in the owner's namespace whose ownerReferences name its uid. */
function findDependents(cluster: SimCluster, owner: KObject): { type: ResourceType; object: KObject }[] {
  const uid = owner.metadata.uid;
  const ns = owner.metadata.namespace;
  if (!uid || !ns) return [];
  const out: { type: ResourceType; object: KObject }[] = [];
  for (const t of RESOURCE_TYPES) {
    if (!t.namespaced || t.key === "events" || !t.verbs.includes("list")) continue;
    for (const obj of cluster.store.scan(t.key, { namespace: ns })) {
      if (obj.metadata.ownerReferences?.some((r) => r.uid === uid)) out.push({ type: t, object: obj });
    }
  }
  return out;
}

function podGrace(pod: KObject, requested: number | undefined): number {
  // Pods never bound to a node or already finished have nothing to stop (pkg/registry/core/pod).
  if (!pod.spec?.nodeName) return 0;
  const phase = pod.status?.phase;
  if (phase === "Succeeded" || phase === "Failed") return 0;
  if (requested !== undefined && requested >= 0) return requested;
  const spec = pod.spec?.terminationGracePeriodSeconds;
  return typeof spec === "number" && spec >= 0 ? spec : 30;
}

export function deleteObject(
  world: World,
  cluster: SimCluster,
  type: ResourceType | string,
  namespace: string | undefined,
  name: string,
  options: DeleteOptions = {},
): DeleteResult {
  const t = typeOf(type);
  const store = cluster.store;
  const current = store.mustGet(t.key, t.namespaced ? namespace : undefined, name);
  checkPreconditions(t, current, options.preconditions);
  if (options.gracePeriodSeconds !== undefined && !Number.isInteger(options.gracePeriodSeconds)) {
    throw badRequest(`gracePeriodSeconds must be an integer`);
  }
  const policy: PropagationPolicy = options.propagationPolicy ?? (options.orphanDependents ? "Orphan" : "Background");
  if (!["Background", "Foreground", "Orphan"].includes(policy)) {
    throw new ApiError(
      422,
      "Invalid",
      `DeleteOptions.meta.k8s.io "" is invalid: propagationPolicy: Unsupported value: "${policy}": supported values: "Foreground", "Background", "Orphan", "nil"`,
    );
  }
  const dryRun = !!options.dryRun;

  if (t.key === "pods") {
    const grace = podGrace(current, options.gracePeriodSeconds);
    if (grace === 0) {
      const removed = dryRun ? current : store.remove(t.key, current.metadata.namespace, name);
      return { object: removed, removed: true };
    }
    const existing = current.metadata.deletionGracePeriodSeconds;
    if (current.metadata.deletionTimestamp && existing !== undefined && existing <= grace) {
      return { object: current, removed: false };
    }
    const next = structuredClone(current) as KObject;
    next.metadata.deletionTimestamp = isoAfter(world, grace);
    next.metadata.deletionGracePeriodSeconds = grace;
    delete next.metadata.resourceVersion;
    return { object: store.update(t.key, next, { dryRun }), removed: false };
  }

  if (t.key === "namespaces") return deleteNamespace(world, cluster, current, dryRun);

  if (current.metadata.finalizers?.length) {
    if (current.metadata.deletionTimestamp) return { object: current, removed: false };
    const next = structuredClone(current) as KObject;
    next.metadata.deletionTimestamp = world.clock.isoNow();
    next.metadata.deletionGracePeriodSeconds = 0;
    delete next.metadata.resourceVersion;
    return { object: store.update(t.key, next, { dryRun }), removed: false };
  }

  const dependents = findDependents(cluster, current);
  if (dryRun) return { object: current, removed: true };
  // The owner goes first: removing dependents while it exists would let its controller
  // replace them at once.
  const removed = store.remove(t.key, current.metadata.namespace, name);
  for (const dep of dependents) {
    const still = store.get(dep.type.key, dep.object.metadata.namespace, dep.object.metadata.name);
    if (!still || still.metadata.uid !== dep.object.metadata.uid) continue;
    if (policy === "Orphan") {
      const next = structuredClone(still) as KObject;
      next.metadata.ownerReferences = (next.metadata.ownerReferences ?? []).filter((r) => r.uid !== current.metadata.uid);
      if (!next.metadata.ownerReferences.length) delete next.metadata.ownerReferences;
      delete next.metadata.resourceVersion;
      store.update(dep.type.key, next);
    } else {
      // The garbage collector deletes dependents in the background with default grace.
      deleteObject(world, cluster, dep.type, still.metadata.namespace, still.metadata.name, { propagationPolicy: "Background" });
    }
  }
  if (policy === "Foreground") {
    const shown = structuredClone(removed) as KObject;
    shown.metadata.deletionTimestamp = world.clock.isoNow();
    shown.metadata.finalizers = ["foregroundDeletion"];
    return { object: shown, removed: true };
  }
  return { object: removed, removed: true };
}

function deleteNamespace(world: World, cluster: SimCluster, ns: KObject, dryRun: boolean): DeleteResult {
  const name = ns.metadata.name;
  const terminating = structuredClone(ns) as KObject;
  terminating.metadata.deletionTimestamp = ns.metadata.deletionTimestamp ?? world.clock.isoNow();
  terminating.status = { ...(terminating.status ?? {}), phase: "Terminating" };
  if (dryRun) return { object: terminating, removed: false };
  // The namespace controller empties the namespace, then the namespace itself goes.
  for (const t of RESOURCE_TYPES) {
    if (!t.namespaced) continue;
    for (const obj of cluster.store.list(t.key, { namespace: name })) {
      if (cluster.store.get(t.key, name, obj.metadata.name)) cluster.store.remove(t.key, name, obj.metadata.name);
    }
  }
  const removed = cluster.store.remove("namespaces", undefined, name);
  return { object: { ...removed, status: { ...(removed.status ?? {}), phase: "Terminating" } }, removed: true };
}

/** DeleteOptions from the query string and/or the JSON body of a DELETE. */
export function deleteOptionsFrom(query: URLSearchParams, body: unknown): DeleteOptions {
  const b = (body && typeof body === "object" ? body : {}) as Record<string, unknown>;
  const opts: DeleteOptions = {};
  const grace = query.get("gracePeriodSeconds") ?? (b.gracePeriodSeconds as number | undefined);
  if (grace !== null && grace !== undefined && grace !== "") {
    const n = Number(grace);
    if (!Number.isInteger(n)) throw badRequest(`invalid gracePeriodSeconds: ${grace}`);
    opts.gracePeriodSeconds = n;
  }
  const policy = query.get("propagationPolicy") ?? (b.propagationPolicy as string | undefined);
  if (policy) opts.propagationPolicy = policy as PropagationPolicy;
  const orphan = query.get("orphanDependents") ?? b.orphanDependents;
  if (orphan !== null && orphan !== undefined) opts.orphanDependents = orphan === true || orphan === "true";
  const dryRun = query.getAll("dryRun").concat(Array.isArray(b.dryRun) ? (b.dryRun as string[]) : []);
  if (dryRun.length) {
    if (dryRun.some((d) => d !== "All")) throw badRequest(`Invalid dry run value: ${dryRun.join(",")}`);
    opts.dryRun = true;
  }
  const pre = b.preconditions as DeleteOptions["preconditions"] | undefined;
  if (pre) opts.preconditions = pre;
  return opts;
}
