import type { V1ListMeta, V1Node, V1OwnerReference, V1Pod } from "@kubernetes/client-node";
import type { NodeRow, OwnerRef, Page, PodRow } from "./types";
import { parseProviderId } from "./node-instance";

/** client-node turns timestamps into Date objects; pages and JSON want ISO strings. */
export function isoDate(d: Date | string | undefined | null): string | null {
  if (!d) return null;
  if (typeof d === "string") return d;
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}

export function controllerOf(refs: V1OwnerReference[] | undefined): OwnerRef | null {
  const ref = refs?.find((r) => r.controller) ?? refs?.[0];
  return ref ? { kind: ref.kind, name: ref.name } : null;
}

export function podRow(pod: V1Pod): PodRow {
  const statuses = pod.status?.containerStatuses ?? [];
  const total = pod.spec?.containers?.length ?? statuses.length;
  return {
    namespace: pod.metadata?.namespace ?? "",
    name: pod.metadata?.name ?? "",
    phase: pod.metadata?.deletionTimestamp ? "Terminating" : (pod.status?.phase ?? "Unknown"),
    ready: `${statuses.filter((s) => s.ready).length}/${total}`,
    restarts: statuses.reduce((n, s) => n + (s.restartCount ?? 0), 0),
    node: pod.spec?.nodeName ?? null,
    podIP: pod.status?.podIP ?? null,
    owner: controllerOf(pod.metadata?.ownerReferences),
    quarantined: pod.metadata?.labels?.quarantine === "true",
    createdAt: isoDate(pod.metadata?.creationTimestamp),
    labels: pod.metadata?.labels ?? {},
  };
}

/** A node's own facts; tags and pod count are filled in by the caller (they cost extra calls). */
export function nodeRowBase(node: V1Node): NodeRow {
  const labels = node.metadata?.labels ?? {};
  const addresses = node.status?.addresses ?? [];
  const ready = node.status?.conditions?.find((c) => c.type === "Ready")?.status === "True";
  return {
    name: node.metadata?.name ?? "",
    ready,
    cordoned: node.spec?.unschedulable === true,
    zone: labels["topology.kubernetes.io/zone"] ?? labels["failure-domain.beta.kubernetes.io/zone"] ?? null,
    instance: parseProviderId(node.spec?.providerID),
    internalIP: addresses.find((a) => a.type === "InternalIP")?.address ?? null,
    externalIP: addresses.find((a) => a.type === "ExternalIP")?.address ?? null,
    tags: null,
    podCount: null,
    kubeletVersion: node.status?.nodeInfo?.kubeletVersion ?? null,
    createdAt: isoDate(node.metadata?.creationTimestamp),
    labels,
  };
}

export function toPage<T>(meta: V1ListMeta | undefined, items: T[]): Page<T> {
  return {
    items,
    ...(meta?._continue ? { continue: meta._continue } : {}),
    ...(typeof meta?.remainingItemCount === "number" ? { remainingItemCount: meta.remainingItemCount } : {}),
  };
}
