import type { V1Pod } from "@kubernetes/client-node";
import { QUARANTINE_KEY } from "./selectors";

// What the drain does with each pod on the node, decided the way `kubectl drain
// --pod-selector='!quarantine' --ignore-daemonsets --delete-emptydir-data [--force]` decides it.

export type Fate = "evict" | "delete" | "keep-quarantined" | "skip-daemonset" | "skip-mirror" | "blocked-bare";

export interface PodFate {
  namespace: string;
  name: string;
  uid: string;
  fate: Fate;
  reason: string;
  emptyDirs: string[];
  owner: string | null;
  /** How long the pod may take to stop once evicted (spec.terminationGracePeriodSeconds, 30 by default). */
  graceSeconds: number;
}

export const MIRROR_ANNOTATION = "kubernetes.io/config.mirror";

function controllerOf(pod: V1Pod) {
  const refs = pod.metadata?.ownerReferences ?? [];
  return refs.find((r) => r.controller) ?? null;
}

export function podFate(pod: V1Pod, quarantinedUid: string, force: boolean): PodFate {
  const meta = pod.metadata ?? {};
  const owner = controllerOf(pod);
  const base = {
    namespace: meta.namespace ?? "",
    name: meta.name ?? "",
    uid: meta.uid ?? "",
    emptyDirs: (pod.spec?.volumes ?? []).filter((v) => v.emptyDir).map((v) => v.name),
    owner: owner ? `${owner.kind}/${owner.name}` : null,
    graceSeconds: pod.spec?.terminationGracePeriodSeconds ?? 30,
  };
  // ERRATA 6: the compromised pod stays, by label (what kubectl's selector sees) and by uid
  // (in case the label was removed or never set): evicting it destroys the evidence.
  if (meta.uid === quarantinedUid) return { ...base, fate: "keep-quarantined", reason: "the compromised pod: never evicted" };
  if (meta.labels && Object.prototype.hasOwnProperty.call(meta.labels, QUARANTINE_KEY)) {
    return { ...base, fate: "keep-quarantined", reason: `labelled ${QUARANTINE_KEY}: excluded by --pod-selector='!${QUARANTINE_KEY}'` };
  }
  if (meta.annotations?.[MIRROR_ANNOTATION] !== undefined) {
    return { ...base, fate: "skip-mirror", reason: "mirror (static) pod: managed by the kubelet, not the API" };
  }
  if (owner?.kind === "DaemonSet") {
    return { ...base, fate: "skip-daemonset", reason: "DaemonSet pod: would be recreated on the node at once (--ignore-daemonsets)" };
  }
  if (!owner) {
    return force
      ? { ...base, fate: "delete", reason: "no controller: deleted (--force); it will not be recreated" }
      : { ...base, fate: "blocked-bare", reason: "no controller: evicting it loses it for good; set force to delete it" };
  }
  return { ...base, fate: "evict", reason: `evicted; ${owner.kind} ${owner.name} recreates it on another node` };
}

/** Pods whose phase is over hold no live workload; kubectl drain deletes them too, so they are listed like the rest. */
export function sortFates(fates: PodFate[]): PodFate[] {
  return [...fates].sort((a, b) => `${a.namespace}/${a.name}`.localeCompare(`${b.namespace}/${b.name}`));
}

export function actionable(f: PodFate): boolean {
  return f.fate === "evict" || f.fate === "delete";
}
