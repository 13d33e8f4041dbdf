import "server-only";
import { computeClients } from "@/lib/gcp/clients";
import { gcpError } from "@/lib/gcp/errors";
import { kubeApis } from "@/lib/kube/clients";
import { kubeError } from "@/lib/kube/errors";
import { withRetry } from "@/lib/kube/retry";
import { withTimeout } from "@/lib/kube/timeout";
import type { Section } from "./get-pod-detail";
import { kubeRead } from "./kube-call";
import { getInstanceFacts, type InstanceFacts } from "./node-instance";
import { nodeRowBase, podRow, toPage } from "./rows";
import type { NodeRow, Page, PodRow } from "./types";

export type FirewallRuleInfo = {
  name: string;
  direction: string;
  priority: number | null;
  action: "allow" | "deny";
  /** "tcp:22", "udp", "all" */
  rules: string[];
  sourceRanges: string[];
  destinationRanges: string[];
  targetTags: string[];
  disabled: boolean;
};

export type NodeDetail = {
  cluster: string;
  node: NodeRow & {
    conditions: { type: string; status: string; reason: string | null; message: string | null }[];
    taints: string[];
    osImage: string | null;
    containerRuntime: string | null;
    annotations: Record<string, string>;
  };
  pods: Section<Page<PodRow>>;
  vm: Section<InstanceFacts | null>;
  firewalls: Section<FirewallRuleInfo[] | null>;
};

// A node holds at most max-pods (256) pods, so one page almost always shows them all.
const POD_PAGE = 300;

type Allowed = { IPProtocol?: string | null; ports?: string[] | null };
const protoRules = (list: Allowed[] | null | undefined) =>
  (list ?? []).map((a) => (a.ports?.length ? `${a.IPProtocol}:${a.ports.join(",")}` : (a.IPProtocol ?? "all")));

/**
 * A node, the pods on it (field selector `spec.nodeName`, paged), its VM (tags and access
 * configs) and the VPC firewall rules Compute says are in effect for its first interface:
 * exactly what node isolation will change.
 */
export async function getNodeDetail(clusterId: string, name: string, opts: { continue?: string } = {}): Promise<NodeDetail> {
  const { core } = kubeApis(clusterId);
  const node = await kubeRead(() => core.readNode({ name }));
  const row = nodeRowBase(node);

  const podsP: Promise<Section<Page<PodRow>>> = withRetry(() =>
    core.listPodForAllNamespaces({ fieldSelector: `spec.nodeName=${name}`, limit: POD_PAGE, _continue: opts.continue }),
  ).then(
    (list) => ({ ok: true as const, value: toPage(list.metadata, list.items.map(podRow)) }),
    (err) => ({ ok: false as const, error: kubeError(err).message }),
  );
  const vmP = row.instance ? getInstanceFacts(row.instance) : Promise.resolve(null);
  const [pods, vmFacts] = await Promise.all([podsP, vmP]);

  let vm: NodeDetail["vm"] = { ok: true, value: null };
  let firewalls: NodeDetail["firewalls"] = { ok: true, value: null };
  if (vmFacts && !vmFacts.ok) {
    vm = { ok: false, error: vmFacts.error };
    firewalls = { ok: false, error: vmFacts.error };
  } else if (vmFacts?.ok) {
    vm = { ok: true, value: vmFacts.instance };
    row.tags = vmFacts.instance.tags;
    const ref = vmFacts.instance.ref;
    const nic = vmFacts.instance.networkInterfaces[0]?.name ?? "nic0";
    try {
      const [eff] = await withTimeout(
        withRetry(() => computeClients().instances.getEffectiveFirewalls({ project: ref.project, zone: ref.zone, instance: ref.name, networkInterface: nic })),
        10_000,
        "The Compute Engine API",
      );
      firewalls = {
        ok: true,
        value: (eff.firewalls ?? [])
          .map((f) => ({
            name: f.name ?? "",
            direction: f.direction ?? "INGRESS",
            priority: f.priority ?? null,
            action: (f.denied?.length ? "deny" : "allow") as "allow" | "deny",
            rules: f.denied?.length ? protoRules(f.denied as Allowed[]) : protoRules(f.allowed as Allowed[]),
            sourceRanges: f.sourceRanges ?? [],
            destinationRanges: f.destinationRanges ?? [],
            targetTags: f.targetTags ?? [],
            disabled: f.disabled === true,
          }))
          // Evaluation order: lower priority number first; at equal priority deny wins (ERRATA 9).
          .sort((a, b) => (a.priority ?? 1000) - (b.priority ?? 1000) || (a.action === b.action ? 0 : a.action === "deny" ? -1 : 1)),
      };
    } catch (err) {
      firewalls = { ok: false, error: gcpError(err).message };
    }
  }

  if (pods.ok && !opts.continue) {
    const { items, continue: more, remainingItemCount } = pods.value;
    row.podCount = !more ? items.length : remainingItemCount !== undefined ? items.length + remainingItemCount : null;
  }
  return {
    cluster: clusterId,
    node: {
      ...row,
      conditions: (node.status?.conditions ?? []).map((c) => ({ type: c.type, status: c.status, reason: c.reason ?? null, message: c.message ?? null })),
      taints: (node.spec?.taints ?? []).map((t) => `${t.key}${t.value ? `=${t.value}` : ""}:${t.effect}`),
      osImage: node.status?.nodeInfo?.osImage ?? null,
      containerRuntime: node.status?.nodeInfo?.containerRuntimeVersion ?? null,
      annotations: node.metadata?.annotations ?? {},
    },
    pods,
    vm,
    firewalls,
  };
}
