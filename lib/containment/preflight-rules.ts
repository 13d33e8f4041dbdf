// Pure preflight rules over already-fetched objects, so each trap is testable without a cluster.
import type { V1NetworkPolicy, V1Pod, V1PodDisruptionBudget } from "@kubernetes/client-node";
import { labelSelectorMatches } from "@/lib/clusters/selectors";
import type { IncidentTargets, KubeNeed, StepDefinition } from "./types";

const QUARANTINE_LABEL = "quarantine";

/** What the auto-repair finding asks for, from what this incident already did: nothing it has done. */
export function evidenceAdvice(done: { snapshot: boolean; evidence: boolean }): string {
  if (done.snapshot && done.evidence) return "The node's disk is already snapshotted and evidence collected for this incident.";
  if (done.snapshot) return "The node's disk is already snapshotted for this incident; collect evidence first.";
  if (done.evidence) return "Evidence is already collected for this incident; snapshot the node's disk first.";
  return "Snapshot the node's disk and collect evidence first.";
}

/** The run that removed the pod, where Airlock knows it. */
export type PodRemoval = { stepId: string; actor: string; at: string };

/**
 * The incident's pod is gone (a 404, or a same-named successor with another uid): said in
 * words, with the step that removed it where this incident's runs show one, never the API's
 * raw `pods "…" not found`.
 */
export function podGoneMessage(t: Pick<IncidentTargets, "namespace" | "pod">, removedBy: PodRemoval | null): string {
  return removedBy
    ? `Pod ${t.namespace}/${t.pod} no longer exists (deleted at ${removedBy.at} by step ${removedBy.stepId}, run by ${removedBy.actor}).`
    : `Pod ${t.namespace}/${t.pod} no longer exists (removed outside Airlock, or by its controller).`;
}

/** The latest run that changed something in the eradicate stage: the likeliest remover of the pod. */
export function podRemoval(
  runs: { step_id: string; operation: string; status: string; actor: string; finished_at: string | null; started_at: string }[],
  lookup: (id: string) => Pick<StepDefinition, "stage" | "risk"> | undefined,
): PodRemoval | null {
  const r = runs
    .filter((x) => x.operation === "execute" && x.status === "succeeded" && lookup(x.step_id)?.stage === "eradicate" && lookup(x.step_id)?.risk !== "read-only")
    .at(-1);
  return r ? { stepId: r.step_id, actor: r.actor, at: r.finished_at ?? r.started_at } : null;
}

export type DefeatingPolicy = { name: string; directions: ("ingress" | "egress")[] };

/**
 * ERRATA 3: NetworkPolicies are additive. A policy that selects the pod once it carries
 * `quarantine: "true"` and has any allow rule still admits that traffic, so a deny-all alone may
 * do nothing. Evaluated against the pod's labels as they will be after label-quarantine.
 */
export function defeatingPolicies(policies: V1NetworkPolicy[], podLabels: Record<string, string>): DefeatingPolicy[] {
  const labels = { ...podLabels, [QUARANTINE_LABEL]: "true" };
  const out: DefeatingPolicy[] = [];
  for (const p of policies) {
    if (!labelSelectorMatches(p.spec?.podSelector, labels)) continue;
    const types = p.spec?.policyTypes ?? (p.spec?.egress?.length ? ["Ingress", "Egress"] : ["Ingress"]);
    const directions: DefeatingPolicy["directions"] = [];
    if (types.includes("Ingress") && (p.spec?.ingress?.length ?? 0) > 0) directions.push("ingress");
    if (types.includes("Egress") && (p.spec?.egress?.length ?? 0) > 0) directions.push("egress");
    if (directions.length) out.push({ name: p.metadata?.name ?? "?", directions });
  }
  return out.sort((a, b) => a.name.localeCompare(b.name));
}

export type NodePodFacts = { daemonSet: string[]; mirror: string[]; emptyDir: string[]; bare: string[]; evictable: string[] };

const ref = (p: V1Pod) => `${p.metadata?.namespace}/${p.metadata?.name}`;

/** ERRATA 6: what a drain of the node skips, loses or must force. The quarantined pod is never evicted. */
export function nodePodFacts(pods: V1Pod[], target: { namespace: string; pod: string }): NodePodFacts {
  const out: NodePodFacts = { daemonSet: [], mirror: [], emptyDir: [], bare: [], evictable: [] };
  for (const p of pods) {
    if (p.metadata?.namespace === target.namespace && p.metadata?.name === target.pod) continue;
    if (p.status?.phase === "Succeeded" || p.status?.phase === "Failed") continue;
    const controller = p.metadata?.ownerReferences?.find((r) => r.controller);
    if (p.metadata?.annotations?.["kubernetes.io/config.mirror"]) {
      out.mirror.push(ref(p));
      continue;
    }
    if (controller?.kind === "DaemonSet") {
      out.daemonSet.push(ref(p));
      continue;
    }
    out.evictable.push(ref(p));
    if (!controller) out.bare.push(ref(p));
    if (p.spec?.volumes?.some((v) => v.emptyDir)) out.emptyDir.push(ref(p));
  }
  return out;
}

export type BlockingPdb = { namespace: string; name: string; pods: string[] };

/** ERRATA 6: budgets with no disruption left that cover pods a drain would evict (eviction answers 429). */
export function blockingPdbs(pdbs: V1PodDisruptionBudget[], pods: V1Pod[], evictable: string[]): BlockingPdb[] {
  const evict = new Set(evictable);
  const out: BlockingPdb[] = [];
  for (const b of pdbs) {
    if ((b.status?.disruptionsAllowed ?? 0) > 0) continue;
    const covered = pods
      .filter((p) => p.metadata?.namespace === b.metadata?.namespace && evict.has(ref(p)))
      .filter((p) => labelSelectorMatches(b.spec?.selector ?? {}, p.metadata?.labels))
      .map(ref);
    if (covered.length) out.push({ namespace: b.metadata?.namespace ?? "", name: b.metadata?.name ?? "", pods: covered });
  }
  return out;
}

const CONTROLLER_KINDS = new Set(["Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job", "CronJob"]);

export function needLabel(n: KubeNeed): string {
  const res = `${n.resource}${n.subresource ? "/" + n.subresource : ""}`;
  return `${n.verb} ${n.group ? `${res}.${n.group}` : res}`;
}

export function needKey(n: KubeNeed): string {
  return [n.verb, n.group ?? "", n.resource, n.subresource ?? "", n.clusterScoped ? "c" : ""].join("|");
}

export type ReadinessFacts = {
  targets: IncidentTargets;
  /** null when Airlock cannot tell (not a GKE cluster it discovered). */
  enforced: boolean | null;
  enforcementReason: string;
  /** needKey → allowed; missing keys were not checked. */
  kubeAllowed: Map<string, { allowed: boolean; reason?: string }>;
  /** permission → granted; missing or null: not verifiable in advance. */
  gcpGranted: Map<string, boolean | null>;
};

/** Whether one step can succeed, with every reason it cannot. */
export function stepReadiness(step: Pick<StepDefinition, "id" | "needs">, f: ReadinessFacts): { stepId: string; ok: boolean; reasons: string[] } {
  const reasons: string[] = [];
  const needs = step.needs ?? {};
  if (needs.networkPolicyEnforced && f.enforced === false) {
    reasons.push(
      `NetworkPolicy is not enforced on this cluster (${f.enforcementReason}), so a policy would change nothing. ` +
        "Do not enable it now: that recreates every node and wipes their evidence. Isolate the node's VM instead.",
    );
  }
  if (needs.instance && !f.targets.instance) reasons.push("The pod's node has no Compute Engine VM Airlock could resolve.");
  if (needs.controller && !f.targets.ownerChain.some((o) => CONTROLLER_KINDS.has(o.kind))) {
    reasons.push("The pod has no controller (it is a bare pod).");
  }
  for (const n of needs.kube ?? []) {
    const r = f.kubeAllowed.get(needKey(n));
    if (r && !r.allowed) reasons.push(`Airlock's Kubernetes identity may not ${needLabel(n)}${r.reason ? ` (${r.reason})` : ""}.`);
  }
  for (const perm of needs.gcp ?? []) {
    if (f.gcpGranted.get(perm) === false) reasons.push(`Airlock's Google Cloud identity lacks ${perm} on the node's VM.`);
  }
  return { stepId: step.id, ok: reasons.length === 0, reasons };
}
