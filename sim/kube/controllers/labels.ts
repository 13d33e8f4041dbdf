import { labelSelectorMatches, type LabelSelector } from "../label-selector";
import type { KObject, OwnerReference } from "../types";

// metav1.LabelSelector as controllers use it, evaluated by the simulator's one implementation
// (../label-selector). An empty selector matches everything, a missing one nothing, as in the
// apimachinery helpers.
export type { LabelSelector, LabelSelectorRequirement } from "../label-selector";
export { mapSelectorMatches } from "../label-selector";

export function selectorMatches(selector: LabelSelector | undefined | null, labels: Record<string, string> | undefined): boolean {
  return !!selector && labelSelectorMatches(selector, labels);
}

export function controllerOf(obj: KObject): OwnerReference | undefined {
  return obj.metadata.ownerReferences?.find((r) => r.controller);
}

export function ownerRefTo(owner: KObject, blockOwnerDeletion = true): OwnerReference {
  return {
    apiVersion: owner.apiVersion,
    kind: owner.kind,
    name: owner.metadata.name,
    uid: owner.metadata.uid!,
    controller: true,
    blockOwnerDeletion,
  };
}

export function isTerminating(obj: KObject): boolean {
  return !!obj.metadata.deletionTimestamp;
}

export function isPodReady(pod: KObject): boolean {
  const c = (pod.status?.conditions as { type: string; status: string }[] | undefined)?.find((x) => x.type === "Ready");
  return c?.status === "True";
}

/** Pods that count toward a controller's replicas: not finished and not being deleted. */
export function isPodActive(pod: KObject): boolean {
  const phase = pod.status?.phase;
  return !isTerminating(pod) && phase !== "Succeeded" && phase !== "Failed";
}

/** JSON with sorted keys, so equal objects compare and hash equal. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value) ?? "null";
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
}

export function deepEqual(a: unknown, b: unknown): boolean {
  return canonicalJson(a) === canonicalJson(b);
}
