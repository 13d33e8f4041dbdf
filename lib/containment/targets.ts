import "server-only";
import type { V1ObjectMeta, V1OwnerReference, V1Pod } from "@kubernetes/client-node";
import { computeClients } from "@/lib/gcp/clients";
import { HttpError } from "@/lib/http/errors";
import { kubeApis, type KubeApis } from "@/lib/kube/clients";
import { isNotFound } from "@/lib/kube/errors";
import { withRetry } from "@/lib/kube/retry";
import { readableReason } from "./errors";
import { labelSelectorMatches, serviceSelects } from "@/lib/clusters/selectors";
import type { IncidentTargets } from "./types";

export type GceInstanceRef = { project: string; zone: string; name: string };

/** `gce://acme-prod/us-central1-a/gke-…` → its parts; anything else → null. */
export function parseProviderId(providerId: string | undefined | null): GceInstanceRef | null {
  const m = /^gce:\/\/([^/]+)\/([^/]+)\/([^/]+)$/.exec(providerId ?? "");
  return m ? { project: m[1], zone: m[2], name: m[3] } : null;
}

/** GKE kubeconfig context names are `gke_<project>_<location>_<cluster>`. */
export function projectFromContext(context: string): string | null {
  const m = /^gke_([^_]+)_([^_]+)_(.+)$/.exec(context);
  return m ? m[1] : null;
}

/** Last path segment of a Compute URL (`…/global/networks/default` → `default`). */
export function lastSegment(url: string | undefined | null): string | null {
  if (!url) return null;
  const parts = url.split("/").filter(Boolean);
  return parts.length ? parts[parts.length - 1] : null;
}

/** The node's VM: from providerID, else from the zone label, the context's project and the node name (GKE names them alike). */
export function instanceOfNode(node: { metadata?: V1ObjectMeta; spec?: { providerID?: string } }, context: string): GceInstanceRef | null {
  const fromId = parseProviderId(node.spec?.providerID);
  if (fromId) return fromId;
  const labels = node.metadata?.labels ?? {};
  const zone = labels["topology.kubernetes.io/zone"] ?? labels["failure-domain.beta.kubernetes.io/zone"];
  const project = projectFromContext(context);
  const name = node.metadata?.name;
  return zone && project && name ? { project, zone, name } : null;
}

type Owner = IncidentTargets["ownerChain"][number];

function controllerRef(refs: V1OwnerReference[] | undefined): V1OwnerReference | undefined {
  return refs?.find((r) => r.controller) ?? refs?.[0];
}

async function readOwner(apis: KubeApis, namespace: string, ref: V1OwnerReference): Promise<{ metadata?: V1ObjectMeta } | null> {
  const args = { name: ref.name, namespace };
  try {
    switch (ref.kind) {
      case "ReplicaSet":
        return await withRetry(() => apis.apps.readNamespacedReplicaSet(args));
      case "Deployment":
        return await withRetry(() => apis.apps.readNamespacedDeployment(args));
      case "StatefulSet":
        return await withRetry(() => apis.apps.readNamespacedStatefulSet(args));
      case "DaemonSet":
        return await withRetry(() => apis.apps.readNamespacedDaemonSet(args));
      case "Job":
        return await withRetry(() => apis.batch.readNamespacedJob(args));
      case "CronJob":
        return await withRetry(() => apis.batch.readNamespacedCronJob(args));
      default:
        return null; // a kind we cannot follow (custom controller): the chain stops at it
    }
  } catch (err) {
    if (isNotFound(err)) return null;
    throw err;
  }
}

/** Pod → ReplicaSet → Deployment (or StatefulSet, DaemonSet, Job → CronJob), following controller references. */
async function resolveOwnerChain(apis: KubeApis, namespace: string, pod: V1Pod): Promise<Owner[]> {
  const chain: Owner[] = [];
  let ref = controllerRef(pod.metadata?.ownerReferences);
  while (ref && chain.length < 6) {
    chain.push({ kind: ref.kind, name: ref.name, apiVersion: ref.apiVersion, uid: ref.uid });
    const owner = await readOwner(apis, namespace, ref);
    ref = owner ? controllerRef(owner.metadata?.ownerReferences) : undefined;
  }
  return chain;
}

export type ResolvedTargets = { targets: IncidentTargets; notes: string[] };

/**
 * Resolves everything containment acts on from (cluster, namespace, pod): the node and its GCE
 * instance and network, the owner chain, the Services and NetworkPolicies that select the pod,
 * its containers. Facts that cannot be read (Compute unreachable) are left null with a note,
 * so an incident can still be opened in the middle of an outage.
 */
export async function resolveTargets(cluster: string, namespace: string, podName: string): Promise<ResolvedTargets> {
  const apis = kubeApis(cluster);
  const notes: string[] = [];
  let pod: V1Pod;
  try {
    pod = await withRetry(() => apis.core.readNamespacedPod({ name: podName, namespace }));
  } catch (err) {
    if (isNotFound(err)) throw new HttpError(404, `Pod ${namespace}/${podName} not found in ${cluster}`);
    throw new HttpError(502, `Could not read pod ${namespace}/${podName}: ${readableReason(err).message}`);
  }
  const labels = pod.metadata?.labels ?? {};
  const nodeName = pod.spec?.nodeName ?? null;

  let instance: GceInstanceRef | null = null;
  let network: string | null = null;
  if (nodeName) {
    try {
      const node = await withRetry(() => apis.core.readNode({ name: nodeName }));
      instance = instanceOfNode(node, cluster);
      if (!instance) notes.push(`Node ${nodeName} has no GCE provider ID or zone label: node-network steps are unavailable.`);
    } catch (err) {
      notes.push(`Could not read node ${nodeName}: ${readableReason(err).message}`);
    }
  } else {
    notes.push("The pod is not scheduled on a node yet.");
  }
  if (instance) {
    const ref = instance;
    try {
      const [vm] = await withRetry(() => computeClients().instances.get({ project: ref.project, zone: ref.zone, instance: ref.name }));
      network = lastSegment(vm.networkInterfaces?.[0]?.network);
    } catch (err) {
      notes.push(`Could not read VM ${ref.name}: ${readableReason(err).message}`);
    }
  }

  const [ownerChain, services, policies] = await Promise.all([
    resolveOwnerChain(apis, namespace, pod),
    withRetry(() => apis.core.listNamespacedService({ namespace })),
    withRetry(() => apis.networking.listNamespacedNetworkPolicy({ namespace })),
  ]);

  return {
    targets: {
      cluster,
      namespace,
      pod: podName,
      podUid: pod.metadata?.uid ?? "",
      node: nodeName,
      instance,
      network,
      ownerChain,
      services: services.items
        // The default `kubernetes` Service fronts the API server; containment never touches it.
        .filter((s) => !(s.metadata?.name === "kubernetes" && namespace === "default"))
        .filter((s) => serviceSelects(s.spec?.selector, labels))
        .map((s) => s.metadata!.name!)
        .sort(),
      networkPolicies: policies.items
        .filter((p) => labelSelectorMatches(p.spec?.podSelector, labels))
        .map((p) => p.metadata!.name!)
        .sort(),
      containers: (pod.spec?.containers ?? []).map((c) => c.name),
    },
    notes,
  };
}
