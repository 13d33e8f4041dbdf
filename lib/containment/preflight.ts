import "server-only";
import type { V1NetworkPolicy, V1Pod, V1PodDisruptionBudget } from "@kubernetes/client-node";
import { getCluster } from "@/lib/clusters/registry";
import { computeClients } from "@/lib/gcp/clients";
import { kubeApis } from "@/lib/kube/clients";
import { withRetry } from "@/lib/kube/retry";
import { readableReason } from "./errors";
import {
  blockingPdbs,
  defeatingPolicies,
  needKey,
  nodePodFacts,
  evidenceAdvice,
  podGoneMessage,
  podRemoval,
  stepReadiness,
  type BlockingPdb,
  type DefeatingPolicy,
  type NodePodFacts,
} from "./preflight-rules";
import { getStep, listSteps } from "./registry";
import type { StepRunRow } from "./db";
import { tookEffect } from "./runs";
import { readOrNull } from "./steps/support/kube";
import { nodeThreats, type NodeThreats } from "./steps/support/node-pool";
import type { Incident, KubeNeed, StepDefinition } from "./types";

export type PreflightFinding = {
  level: "info" | "caution" | "danger";
  code: string;
  message: string;
};

export type StepPreflight = { stepId: string; ok: boolean; reasons: string[] };

export type Preflight = {
  computedAt: string;
  enforcement: { enforced: boolean | null; reason: string };
  autopilot: boolean | null;
  autoRepair: boolean | null;
  defeatingPolicies: DefeatingPolicy[];
  blockingPdbs: BlockingPdb[];
  nodePods: Omit<NodePodFacts, "evictable"> | null;
  /** What may make GKE replace the node (and its boot disk); null when the pod has no node or it could not be read. */
  nodeThreats: NodeThreats["threats"] | null;
  kubePermissions: { need: KubeNeed; allowed: boolean; reason?: string }[];
  gcpPermissions: { permission: string; granted: boolean | null }[];
  findings: PreflightFinding[];
  steps: StepPreflight[];
};

/** One failed check must not hide the others: each part reports "could not check" instead. */
async function attempt<T>(findings: PreflightFinding[], what: string, fn: () => Promise<T>): Promise<T | undefined> {
  try {
    return await fn();
  } catch (err) {
    findings.push({ level: "caution", code: "check-failed", message: `Could not check ${what}: ${readableReason(err, { what }).message}` });
    return undefined;
  }
}

function uniqueNeeds(steps: StepDefinition[]): KubeNeed[] {
  const seen = new Map<string, KubeNeed>();
  for (const s of steps) for (const n of s.needs?.kube ?? []) if (!seen.has(needKey(n))) seen.set(needKey(n), n);
  return [...seen.values()];
}

async function checkKube(incident: Incident, needs: KubeNeed[]) {
  const { authz } = kubeApis(incident.targets.cluster);
  return Promise.all(
    needs.map(async (need) => {
      const clusterScoped = need.clusterScoped ?? need.resource === "nodes";
      const review = await withRetry(() =>
        authz.createSelfSubjectAccessReview({
          body: {
            apiVersion: "authorization.k8s.io/v1",
            kind: "SelfSubjectAccessReview",
            spec: {
              resourceAttributes: {
                verb: need.verb,
                resource: need.resource,
                group: need.group ?? "",
                ...(need.subresource ? { subresource: need.subresource } : {}),
                ...(clusterScoped ? {} : { namespace: incident.targets.namespace }),
              },
            },
          },
        }),
      );
      return { need, allowed: review.status?.allowed === true, reason: review.status?.reason || undefined };
    }),
  );
}

/**
 * testIamPermissions answers only for permissions that apply to the resource asked about:
 * instance permissions on the VM, disk permissions on its boot disk (GKE names it after the VM).
 * Project-level ones (firewalls) cannot be tested on either and are reported as unverifiable.
 */
async function checkGcp(incident: Incident, permissions: string[]): Promise<{ permission: string; granted: boolean | null }[]> {
  const vm = incident.targets.instance;
  if (!vm || permissions.length === 0) return permissions.map((permission) => ({ permission, granted: null }));
  const { instances, disks } = computeClients();
  // Listing is granted on the project, not on a VM: asking the VM about it would read as "denied".
  const onInstance = permissions.filter((p) => p.startsWith("compute.instances.") && p !== "compute.instances.list");
  const onDisk = permissions.filter((p) => p.startsWith("compute.disks."));
  const granted = new Set<string>();
  if (onInstance.length) {
    const [res] = await withRetry(() =>
      instances.testIamPermissions({ project: vm.project, zone: vm.zone, resource: vm.name, testPermissionsRequestResource: { permissions: onInstance } }),
    );
    for (const p of res.permissions ?? []) granted.add(p);
  }
  if (onDisk.length) {
    const [res] = await withRetry(() =>
      disks.testIamPermissions({ project: vm.project, zone: vm.zone, resource: vm.name, testPermissionsRequestResource: { permissions: onDisk } }),
    );
    for (const p of res.permissions ?? []) granted.add(p);
  }
  return permissions.map((permission) => ({
    permission,
    granted: onInstance.includes(permission) || onDisk.includes(permission) ? granted.has(permission) : null,
  }));
}

/**
 * Live checks shown before the first step: NetworkPolicy enforcement and why, policies that
 * would defeat a deny-all (ERRATA 3), what a drain would skip, lose or wait for (ERRATA 6),
 * auto-repair (ERRATA 7), and whether Airlock's own identities may do each step.
 */
export async function preflight(incident: Incident, runs: StepRunRow[] = []): Promise<Preflight> {
  const t = incident.targets;
  const findings: PreflightFinding[] = [];
  const steps = listSteps();
  let apis: ReturnType<typeof kubeApis>;
  try {
    apis = kubeApis(t.cluster);
  } catch (err) {
    // The cluster left the kubeconfig since the incident was opened: nothing can run, say so per step.
    const message = `The cluster cannot be reached: ${readableReason(err).message}`;
    return {
      computedAt: new Date().toISOString(),
      enforcement: { enforced: null, reason: "unknown" },
      autopilot: null,
      autoRepair: null,
      defeatingPolicies: [],
      blockingPdbs: [],
      nodePods: null,
      nodeThreats: null,
      kubePermissions: [],
      gcpPermissions: [],
      findings: [{ level: "danger", code: "cluster-unreachable", message }],
      steps: steps.map((s) => ({ stepId: s.id, ok: false, reasons: [message] })),
    };
  }

  const [cluster, pod, policies, nodePods, pdbs, kubePermissions, gcpPermissions, threats] = await Promise.all([
    attempt(findings, "the cluster's GKE description", () => getCluster(t.cluster)),
    attempt(findings, "the pod", async () => {
      const p = await readOrNull(() => apis.core.readNamespacedPod({ name: t.pod, namespace: t.namespace }));
      return p && (!t.podUid || !p.metadata?.uid || p.metadata.uid === t.podUid) ? p : null;
    }),
    attempt(findings, "NetworkPolicies", async () => (await withRetry(() => apis.networking.listNamespacedNetworkPolicy({ namespace: t.namespace }))).items),
    t.node
      ? attempt(
          findings,
          "the pods on the node",
          async () => (await withRetry(() => apis.core.listPodForAllNamespaces({ fieldSelector: `spec.nodeName=${t.node}` }))).items,
        )
      : Promise.resolve(undefined as V1Pod[] | undefined),
    t.node
      ? attempt(findings, "PodDisruptionBudgets", async () => (await withRetry(() => apis.policy.listPodDisruptionBudgetForAllNamespaces())).items)
      : Promise.resolve(undefined as V1PodDisruptionBudget[] | undefined),
    attempt(findings, "Airlock's Kubernetes permissions", () => checkKube(incident, uniqueNeeds(steps))),
    attempt(findings, "Airlock's Google Cloud permissions", () => checkGcp(incident, [...new Set(steps.flatMap((s) => s.needs?.gcp ?? []))])),
    t.node ? attempt(findings, "what may replace the node", () => nodeThreats(incident)) : Promise.resolve(undefined),
  ]);

  if (pod === null) findings.push({ level: "info", code: "pod-gone", message: podGoneMessage(t, podRemoval(runs, getStep)) });

  const enforcement = cluster
    ? { enforced: cluster.networkPolicy.determined ? cluster.networkPolicy.enforced : null, reason: cluster.networkPolicy.reason }
    : { enforced: null, reason: "unknown: the cluster's GKE description could not be read" };
  if (enforcement.enforced === false) {
    findings.push({
      level: "danger",
      code: "no-enforcement",
      message:
        `NetworkPolicy is not enforced on this cluster (${enforcement.reason}): a deny-all policy would do nothing. ` +
        "Do not enable it now: enabling network policy recreates every node in every pool and wipes their evidence. Isolate the node's VM instead.",
    });
  } else if (enforcement.enforced === true) {
    findings.push({ level: "info", code: "enforcement", message: `NetworkPolicy is enforced: ${enforcement.reason}.` });
  }

  const defeating = policies && pod ? defeatingPolicies(policies as V1NetworkPolicy[], pod.metadata?.labels ?? {}) : [];
  if (defeating.length) {
    findings.push({
      level: "danger",
      code: "defeating-policies",
      message:
        `NetworkPolicies are additive: ${defeating.map((d) => `${d.name} (${d.directions.join(", ")})`).join("; ")} ` +
        "select this pod and still admit traffic, so a deny-all alone may do nothing. Exclude them from the quarantined pod first.",
    });
  }

  let podFacts: NodePodFacts | undefined;
  let pdbBlocks: BlockingPdb[] = [];
  if (nodePods) {
    podFacts = nodePodFacts(nodePods, t);
    if (pdbs) pdbBlocks = blockingPdbs(pdbs, nodePods, podFacts.evictable);
    if (pdbBlocks.length) {
      findings.push({
        level: "caution",
        code: "pdb-blocks-drain",
        message: `Disruption budgets with no disruption left would hold the drain: ${pdbBlocks.map((b) => `${b.namespace}/${b.name} (${b.pods.join(", ")})`).join("; ")}.`,
      });
    }
    if (podFacts.daemonSet.length)
      findings.push({
        level: "info",
        code: "daemonset-pods",
        message: `DaemonSet pods stay on the node (a drain skips them): ${podFacts.daemonSet.join(", ")}.`,
      });
    if (podFacts.emptyDir.length)
      findings.push({ level: "caution", code: "evidence-loss", message: `Draining loses the emptyDir data of: ${podFacts.emptyDir.join(", ")}.` });
    if (podFacts.bare.length)
      findings.push({ level: "caution", code: "bare-pods", message: `Pods without a controller are not recreated if evicted: ${podFacts.bare.join(", ")}.` });
  }

  if (cluster?.autopilot || cluster?.autoRepair) {
    findings.push({
      level: "danger",
      code: "auto-repair",
      message:
        (cluster.autopilot
          ? "Autopilot repairs a node that stays cordoned or NotReady for about 10 minutes"
          : "Node auto-repair recreates a node that is NotReady for about 10 minutes") +
        `, destroying the node and its evidence. ${evidenceAdvice({ snapshot: tookEffect(runs, "snapshot-node-disk"), evidence: tookEffect(runs, "collect-evidence") })}`,
    });
  }

  if (threats?.threats.length) {
    findings.push({
      level: "danger",
      code: "node-threats",
      message:
        `GKE may replace node ${threats.node} with a new VM and boot disk, destroying the evidence on it: ${threats.threats.map((x) => x.message).join(" ")} ` +
        (threats.autopilot
          ? "Autopilot nodes cannot be protected: snapshot the boot disk and collect evidence first."
          : "drain-node and firewall-isolate stay locked until protect-node (or abandon-node-vm) has run."),
    });
  }

  const kubeAllowed = new Map((kubePermissions ?? []).map((k) => [needKey(k.need), { allowed: k.allowed, reason: k.reason }]));
  const gcpGranted = new Map((gcpPermissions ?? []).map((g) => [g.permission, g.granted]));
  const stepResults = steps.map((s) =>
    stepReadiness(s, { targets: t, enforced: enforcement.enforced, enforcementReason: enforcement.reason, kubeAllowed, gcpGranted }),
  );

  return {
    computedAt: new Date().toISOString(),
    enforcement,
    autopilot: cluster?.autopilot ?? null,
    autoRepair: cluster?.autoRepair ?? null,
    defeatingPolicies: defeating,
    blockingPdbs: pdbBlocks,
    nodePods: podFacts ? { daemonSet: podFacts.daemonSet, mirror: podFacts.mirror, emptyDir: podFacts.emptyDir, bare: podFacts.bare } : null,
    nodeThreats: threats ? threats.threats : null,
    kubePermissions: kubePermissions ?? [],
    gcpPermissions: gcpPermissions ?? [],
    findings,
    steps: stepResults,
  };
}
