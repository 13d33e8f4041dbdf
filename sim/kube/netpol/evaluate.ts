import type { World } from "../../world";
import type { SimCluster } from "../cluster";
import type { KObject } from "../types";
import { netpolEnforcement } from "./enforcement";
import { ipInCidr, matchesLabelSelector, type LabelSelector } from "./selectors";

// Kubernetes NetworkPolicy semantics over the store: a pod is isolated in a direction once any
// policy in effect selects it for that direction, and then only what some in-effect policy
// admits passes. Policies are additive (ERRATA 3): a deny-all never defeats another policy's
// allow. "In effect" means netpolDelaySeconds of simulated time after creation, the
// propagation window the playbook warns about (ERRATA 14).

export type Endpoint = { pod: KObject } | { ip: string };
export type Protocol = "TCP" | "UDP" | "SCTP";

export interface Connection {
  src: Endpoint;
  dst: Endpoint;
  port: number;
  protocol?: Protocol;
  /** Simulated epoch milliseconds; defaults to the world's clock. */
  at?: number;
}

export interface DirectionVerdict {
  /** Policies in effect that select the pod for this direction. */
  isolatedBy: string[];
  /** Of those, the ones whose rules admit the peer. */
  allowedBy: string[];
  /** Policies selecting the pod for this direction that are not in effect yet. */
  pending: { name: string; effectiveAt: string }[];
  allowed: boolean;
}

export interface Verdict {
  allowed: boolean;
  enforced: boolean;
  reason: string;
  egress?: DirectionVerdict;
  ingress?: DirectionVerdict;
  /** The pod behind dst when it was given as an IP. */
  dstPod?: string;
}

interface NetworkPolicyPeer {
  podSelector?: LabelSelector;
  namespaceSelector?: LabelSelector;
  ipBlock?: { cidr: string; except?: string[] };
}

interface NetworkPolicyPort {
  protocol?: string;
  port?: number | string;
  endPort?: number;
}

interface NetworkPolicyRule {
  from?: NetworkPolicyPeer[];
  to?: NetworkPolicyPeer[];
  ports?: NetworkPolicyPort[];
}

type Direction = "Ingress" | "Egress";

export function policyTypes(policy: KObject): Direction[] {
  const declared = policy.spec?.policyTypes as Direction[] | undefined;
  if (declared && declared.length) return declared;
  const egress = policy.spec?.egress as unknown[] | undefined;
  return egress && egress.length ? ["Ingress", "Egress"] : ["Ingress"];
}

export function policyEffectiveAt(world: World, policy: KObject): number {
  const created = Date.parse(policy.metadata.creationTimestamp ?? "");
  return (Number.isFinite(created) ? created : 0) + world.options.netpolDelaySeconds * 1000;
}

function podKey(pod: KObject): string {
  return `${pod.metadata.namespace}/${pod.metadata.name}`;
}

function policyKey(policy: KObject): string {
  return `${policy.metadata.namespace}/${policy.metadata.name}`;
}

function endpointIp(e: Endpoint): string | undefined {
  return "pod" in e ? (e.pod.status?.podIP as string | undefined) : e.ip;
}

function describe(e: Endpoint): string {
  return "pod" in e ? `pod ${podKey(e.pod)}` : `address ${e.ip}`;
}

/** The running pod that owns an IP, if any (host-network pods share the node's and are skipped). */
export function podByIp(cluster: SimCluster, ip: string): KObject | undefined {
  for (const pod of cluster.store.scan("pods")) {
    if (pod.status?.podIP !== ip || pod.spec?.hostNetwork) continue;
    const phase = pod.status?.phase;
    if (phase === "Succeeded" || phase === "Failed") continue;
    return pod;
  }
  return undefined;
}

function namespaceLabels(cluster: SimCluster, namespace: string): Record<string, string> {
  const ns = cluster.store.get("namespaces", undefined, namespace);
  return { "kubernetes.io/metadata.name": namespace, ...(ns?.metadata.labels ?? {}) };
}

function peerMatches(cluster: SimCluster, policyNamespace: string, peer: NetworkPolicyPeer, other: Endpoint): boolean {
  if (!peer.podSelector && !peer.namespaceSelector && !peer.ipBlock) return true;
  if (peer.ipBlock) {
    const ip = endpointIp(other);
    if (!ip || !ipInCidr(ip, peer.ipBlock.cidr)) return false;
    return !(peer.ipBlock.except ?? []).some((c) => ipInCidr(ip, c));
  }
  if (!("pod" in other)) return false;
  const pod = other.pod;
  const ns = pod.metadata.namespace!;
  if (peer.namespaceSelector) {
    if (!matchesLabelSelector(peer.namespaceSelector, namespaceLabels(cluster, ns))) return false;
  } else if (ns !== policyNamespace) {
    return false;
  }
  return peer.podSelector ? matchesLabelSelector(peer.podSelector, pod.metadata.labels) : true;
}

/** Named ports resolve against the destination pod's declared container ports. */
function portMatches(p: NetworkPolicyPort, port: number, protocol: Protocol, dst: Endpoint): boolean {
  if ((p.protocol ?? "TCP").toUpperCase() !== protocol) return false;
  if (p.port === undefined || p.port === null) return true;
  if (typeof p.port === "number" || /^\d+$/.test(p.port)) {
    const start = Number(p.port);
    const end = p.endPort ?? start;
    return port >= start && port <= end;
  }
  if (!("pod" in dst)) return false;
  for (const c of dst.pod.spec?.containers ?? []) {
    for (const cp of c.ports ?? []) {
      if (cp.name === p.port && cp.containerPort === port && (cp.protocol ?? "TCP").toUpperCase() === protocol) return true;
    }
  }
  return false;
}

function ruleAdmits(
  cluster: SimCluster,
  policy: KObject,
  rule: NetworkPolicyRule,
  dir: Direction,
  conn: Required<Pick<Connection, "port" | "protocol">> & Connection,
): boolean {
  const peers = dir === "Ingress" ? rule.from : rule.to;
  const other = dir === "Ingress" ? conn.src : conn.dst;
  if (peers && peers.length && !peers.some((peer) => peerMatches(cluster, policy.metadata.namespace!, peer, other))) return false;
  const ports = rule.ports;
  if (ports && ports.length && !ports.some((p) => portMatches(p, conn.port, conn.protocol, conn.dst))) return false;
  return true;
}

function judge(
  world: World,
  cluster: SimCluster,
  pod: KObject,
  dir: Direction,
  conn: Required<Pick<Connection, "port" | "protocol" | "at">> & Connection,
): DirectionVerdict {
  const verdict: DirectionVerdict = { isolatedBy: [], allowedBy: [], pending: [], allowed: true };
  for (const policy of cluster.store.scan("networking.k8s.io/networkpolicies", { namespace: pod.metadata.namespace })) {
    if (!policyTypes(policy).includes(dir)) continue;
    if (!matchesLabelSelector(policy.spec?.podSelector ?? {}, pod.metadata.labels)) continue;
    const effectiveAt = policyEffectiveAt(world, policy);
    if (effectiveAt > conn.at) {
      verdict.pending.push({ name: policyKey(policy), effectiveAt: new Date(effectiveAt).toISOString() });
      continue;
    }
    verdict.isolatedBy.push(policyKey(policy));
    const rules = (dir === "Ingress" ? policy.spec?.ingress : policy.spec?.egress) as NetworkPolicyRule[] | undefined;
    if ((rules ?? []).some((r) => ruleAdmits(cluster, policy, r ?? {}, dir, conn))) verdict.allowedBy.push(policyKey(policy));
  }
  verdict.allowed = verdict.isolatedBy.length === 0 || verdict.allowedBy.length > 0;
  return verdict;
}

function explain(dir: Direction, pod: KObject, v: DirectionVerdict): string {
  const side = dir === "Egress" ? "egress from" : "ingress to";
  if (!v.isolatedBy.length) {
    const pending = v.pending.length ? ` (${v.pending.map((p) => `${p.name} takes effect at ${p.effectiveAt}`).join(", ")})` : "";
    return `${side} pod ${podKey(pod)} is not isolated by any policy in effect${pending}`;
  }
  if (v.allowedBy.length) return `${side} pod ${podKey(pod)} allowed by ${v.allowedBy.join(", ")}`;
  return `${side} pod ${podKey(pod)} denied: isolated by ${v.isolatedBy.join(", ")} and no policy in effect admits it`;
}

export function isAllowed(cluster: SimCluster, world: World, connection: Connection): Verdict {
  const conn = {
    ...connection,
    protocol: (connection.protocol ?? "TCP").toUpperCase() as Protocol,
    at: connection.at ?? world.clock.now(),
  };
  let dstPodName: string | undefined;
  if ("ip" in conn.dst) {
    const pod = podByIp(cluster, conn.dst.ip);
    if (pod) {
      conn.dst = { pod };
      dstPodName = podKey(pod);
    }
  }
  if ("ip" in conn.src) {
    const pod = podByIp(cluster, conn.src.ip);
    if (pod) conn.src = { pod };
  }
  const enforcement = netpolEnforcement(world, cluster);
  if (!enforcement.enforced) return { allowed: true, enforced: false, reason: enforcement.reason, ...(dstPodName ? { dstPod: dstPodName } : {}) };

  const reasons: string[] = [];
  const verdict: Verdict = { allowed: true, enforced: true, reason: "", ...(dstPodName ? { dstPod: dstPodName } : {}) };
  if ("pod" in conn.src) {
    verdict.egress = judge(world, cluster, conn.src.pod, "Egress", conn);
    reasons.push(explain("Egress", conn.src.pod, verdict.egress));
  } else {
    reasons.push(`source ${describe(conn.src)} is not a pod: no egress policy applies`);
  }
  if ("pod" in conn.dst) {
    verdict.ingress = judge(world, cluster, conn.dst.pod, "Ingress", conn);
    reasons.push(explain("Ingress", conn.dst.pod, verdict.ingress));
  } else {
    reasons.push(`destination ${describe(conn.dst)} is not a pod: judged on egress only`);
  }
  verdict.allowed = (verdict.egress?.allowed ?? true) && (verdict.ingress?.allowed ?? true);
  verdict.reason = `${verdict.allowed ? "allowed" : "denied"}: ${reasons.join("; ")}`;
  return verdict;
}
