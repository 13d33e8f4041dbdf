import type { KObject, StoreEvent } from "../types";
import type { Controller, ControllerManager } from "./manager";
import { recordEvent } from "../events";
import { controllerOf, isTerminating } from "./labels";

// The default scheduler, reduced to the filters that matter for containment: node Ready,
// not cordoned (unless tolerated, as DaemonSet pods do), taints, nodeSelector, required node
// affinity (how DaemonSet pods are pinned) and pod capacity. Among fitting nodes it spreads
// a controller's replicas, then balances load; ties go to the first node by name, so the same
// seed always gives the same placement.

interface Placement {
  node: string;
  owner?: string;
}

interface Toleration {
  key?: string;
  operator?: string;
  value?: string;
  effect?: string;
}

interface Taint {
  key: string;
  value?: string;
  effect: string;
}

export function tolerates(tolerations: Toleration[] | undefined, taint: Taint): boolean {
  return (tolerations ?? []).some((t) => {
    if (t.effect && t.effect !== taint.effect) return false;
    if (t.operator === "Exists") return !t.key || t.key === taint.key;
    return t.key === taint.key && (t.value ?? "") === (taint.value ?? "");
  });
}

function nodeIsReady(node: KObject): boolean {
  return (node.status?.conditions as { type: string; status: string }[] | undefined)?.some((c) => c.type === "Ready" && c.status === "True") ?? false;
}

interface NodeSelectorRequirement {
  key: string;
  operator: string;
  values?: string[];
}

function requirementMatches(req: NodeSelectorRequirement, value: string | undefined): boolean {
  const vals = req.values ?? [];
  switch (req.operator) {
    case "In":
      return value !== undefined && vals.includes(value);
    case "NotIn":
      return value === undefined || !vals.includes(value);
    case "Exists":
      return value !== undefined;
    case "DoesNotExist":
      return value === undefined;
    case "Gt":
      return value !== undefined && Number(value) > Number(vals[0]);
    case "Lt":
      return value !== undefined && Number(value) < Number(vals[0]);
    default:
      return false;
  }
}

/** Why a pod cannot go to a node, in the scheduler's words; undefined when it fits. */
export function unfitReason(pod: KObject, node: KObject, podsOnNode: number): string | undefined {
  const spec = pod.spec ?? {};
  const labels = node.metadata.labels ?? {};
  if (!nodeIsReady(node)) return "node(s) had untolerated taint {node.kubernetes.io/not-ready: }";
  if (node.spec?.unschedulable && !tolerates(spec.tolerations, { key: "node.kubernetes.io/unschedulable", effect: "NoSchedule" })) {
    return "node(s) were unschedulable";
  }
  for (const taint of (node.spec?.taints ?? []) as Taint[]) {
    if (taint.effect === "PreferNoSchedule") continue;
    if (!tolerates(spec.tolerations, taint)) return `node(s) had untolerated taint {${taint.key}: ${taint.value ?? ""}}`;
  }
  for (const [k, v] of Object.entries((spec.nodeSelector ?? {}) as Record<string, string>)) {
    if (labels[k] !== v) return "node(s) didn't match Pod's node affinity/selector";
  }
  const terms = spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms as
    { matchExpressions?: NodeSelectorRequirement[]; matchFields?: NodeSelectorRequirement[] }[] | undefined;
  if (terms && terms.length) {
    const ok = terms.some(
      (t) =>
        (t.matchExpressions ?? []).every((r) => requirementMatches(r, labels[r.key])) &&
        (t.matchFields ?? []).every((r) => requirementMatches(r, r.key === "metadata.name" ? node.metadata.name : undefined)),
    );
    if (!ok) return "node(s) didn't match Pod's node affinity/selector";
  }
  const capacity = Number(node.status?.allocatable?.pods ?? 110);
  if (podsOnNode >= capacity) return "Too many pods";
  return undefined;
}

export class Scheduler implements Controller {
  readonly name = "scheduler";
  private readonly placements = new Map<string, Placement>();
  private readonly perNode = new Map<string, number>();
  private readonly perOwnerNode = new Map<string, Map<string, number>>();
  private readonly waiting = new Set<string>();

  constructor(private readonly m: ControllerManager) {
    for (const pods of m.podsByNs.values()) for (const pod of pods.values()) this.track(pod);
  }

  resyncAll(): void {
    for (const pods of this.m.podsByNs.values()) for (const pod of pods.values()) if (this.needsScheduling(pod)) this.m.enqueue(this, key(pod));
  }

  observe(e: StoreEvent): void {
    if (e.resource === "nodes") {
      for (const k of this.waiting) this.m.enqueue(this, k);
      return;
    }
    if (e.resource !== "pods") return;
    const k = key(e.object);
    if (e.type === "DELETED") {
      this.untrack(k);
      this.waiting.delete(k);
      for (const w of this.waiting) this.m.enqueue(this, w); // capacity freed
      return;
    }
    this.track(e.object);
    if (this.needsScheduling(e.object)) this.m.enqueue(this, k);
  }

  sync(k: string): void {
    const [ns, name] = k.split("/");
    const pod = this.m.store.get("pods", ns, name);
    if (!pod || !this.needsScheduling(pod)) {
      this.waiting.delete(k);
      return;
    }
    const owner = controllerOf(pod)?.uid;
    let best: KObject | undefined;
    let bestScore: [number, number] = [Infinity, Infinity];
    const reasons = new Map<string, number>();
    let total = 0;
    for (const node of this.m.store.scan("nodes")) {
      total++;
      const n = node.metadata.name;
      const load = this.perNode.get(n) ?? 0;
      const why = unfitReason(pod, node, load);
      if (why) {
        reasons.set(why, (reasons.get(why) ?? 0) + 1);
        continue;
      }
      const same = owner ? (this.perOwnerNode.get(owner)?.get(n) ?? 0) : 0;
      if (same < bestScore[0] || (same === bestScore[0] && load < bestScore[1])) {
        best = node;
        bestScore = [same, load];
      }
    }
    const { world, cluster } = this.m;
    if (!best) {
      this.waiting.add(k);
      const detail = [...reasons.entries()]
        .map(([r, c]) => `${c} ${r}`)
        .sort()
        .join(", ");
      const message = `0/${total} nodes are available: ${detail || "no nodes available to schedule pods"}. preemption: 0/${total} nodes are available: ${total} Preemption is not helpful for scheduling.`;
      const next = structuredClone(pod);
      const conditions = ((next.status ??= {}).conditions ?? []).filter((c: { type: string }) => c.type !== "PodScheduled");
      conditions.push({
        type: "PodScheduled",
        status: "False",
        lastProbeTime: null,
        lastTransitionTime: world.clock.isoNow(),
        reason: "Unschedulable",
        message,
      });
      const prev = (pod.status?.conditions ?? []).find((c: { type: string }) => c.type === "PodScheduled");
      if (prev?.message !== message) {
        next.status.conditions = conditions;
        delete next.metadata.resourceVersion;
        this.m.store.update("pods", next);
      }
      recordEvent(world, cluster, pod, "Warning", "FailedScheduling", message, { component: "default-scheduler" });
      return;
    }
    this.waiting.delete(k);
    const nodeName = best.metadata.name;
    const next = structuredClone(pod);
    next.spec.nodeName = nodeName;
    next.status ??= {};
    next.status.phase ??= "Pending";
    next.status.conditions = [
      ...((next.status.conditions ?? []) as { type: string }[]).filter((c) => c.type !== "PodScheduled"),
      { type: "PodScheduled", status: "True", lastProbeTime: null, lastTransitionTime: world.clock.isoNow() },
    ];
    delete next.metadata.resourceVersion;
    const bound = this.m.store.update("pods", next);
    this.track(bound);
    recordEvent(world, cluster, bound, "Normal", "Scheduled", `Successfully assigned ${ns}/${name} to ${nodeName}`, { component: "default-scheduler" });
  }

  private needsScheduling(pod: KObject): boolean {
    const s = pod.spec ?? {};
    return (
      !s.nodeName &&
      !isTerminating(pod) &&
      (s.schedulerName ?? "default-scheduler") === "default-scheduler" &&
      pod.status?.phase !== "Succeeded" &&
      pod.status?.phase !== "Failed"
    );
  }

  private track(pod: KObject): void {
    const k = key(pod);
    const node = pod.spec?.nodeName as string | undefined;
    const finished = pod.status?.phase === "Succeeded" || pod.status?.phase === "Failed";
    const current = this.placements.get(k);
    const owner = controllerOf(pod)?.uid;
    if (current && current.node === node && current.owner === owner && !finished) return;
    this.untrack(k);
    if (!node || finished) return;
    this.placements.set(k, { node, owner });
    this.perNode.set(node, (this.perNode.get(node) ?? 0) + 1);
    if (owner) {
      let m = this.perOwnerNode.get(owner);
      if (!m) this.perOwnerNode.set(owner, (m = new Map()));
      m.set(node, (m.get(node) ?? 0) + 1);
    }
  }

  private untrack(k: string): void {
    const p = this.placements.get(k);
    if (!p) return;
    this.placements.delete(k);
    this.perNode.set(p.node, (this.perNode.get(p.node) ?? 1) - 1);
    if (p.owner) {
      const m = this.perOwnerNode.get(p.owner);
      if (m) {
        const c = (m.get(p.node) ?? 1) - 1;
        if (c > 0) m.set(p.node, c);
        else m.delete(p.node);
        if (!m.size) this.perOwnerNode.delete(p.owner);
      }
    }
  }
}

function key(o: KObject): string {
  return `${o.metadata.namespace}/${o.metadata.name}`;
}
