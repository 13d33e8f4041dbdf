import type { World } from "../../world";
import { isListenerClosed } from "./listeners";
import type { SimCluster } from "../cluster";
import type { KObject } from "../types";
import { isAllowed } from "./evaluate";
import { policyEffectiveAt, policyTypes } from "./evaluate";
import { matchesLabelSelector } from "./selectors";

// Established connections and what the datapath does with them once a NetworkPolicy denies
// their traffic. A NetworkPolicy governs new connections; existing ones are up to the datapath:
// - Dataplane V2 (Cilium, eBPF) checks policy per packet: from the moment the deny is in effect
//   the flow's packets are dropped. The socket in the pod does not know: it stays ESTABLISHED,
//   retransmitting, until the kernel gives up (tcp_retries2, about 15 minutes), and then the
//   process tries to connect again (SYN_SENT) and is dropped too.
// - Calico keeps conntrack entries of established flows: they survive a new deny.
// - Without enforcement nothing is cut. VPC firewall rules are stateful as well: a new deny
//   rule does not cut a tracked connection either.
// A flow ends with its pod (deleted, or recreated with a new uid) or its container's restart.

export type Datapath = "dataplane-v2" | "calico" | "none";

export interface Flow {
  id: string;
  namespace: string;
  pod: string;
  podUid: string;
  container: string;
  restartCount: number;
  process?: string;
  protocol: "TCP";
  localIp: string;
  localPort: number;
  remoteIp: string;
  remotePort: number;
  establishedAt: number;
  /** When the datapath started dropping it, once known. */
  cutAt?: number;
  cutBy?: string;
}

export type FlowState = "established" | "dropping" | "closed";

export interface FlowView {
  id: string;
  namespace: string;
  pod: string;
  container: string;
  process?: string;
  protocol: "TCP";
  localAddress: string;
  remoteAddress: string;
  establishedAt: string;
  datapath: Datapath;
  /** established: packets flow; dropping: the pod's socket is ESTABLISHED but the datapath drops every packet; closed: gone */
  state: FlowState;
  cutAt?: string;
  closedAt?: string;
  reason: string;
}

/** Linux's default tcp_retries2 (15) gives up on an unanswered connection after ~924.6 s. */
export const RETRANSMIT_GIVE_UP_S = 924;

const flowsByCluster = new WeakMap<SimCluster, Flow[]>();

export function datapathOf(world: World, cluster: SimCluster): { datapath: Datapath; reason: string } {
  const gke = world.gcp.gkeClusters.get(`${cluster.location}/${cluster.name}`);
  if (gke?.autopilot?.enabled === true || gke?.networkConfig?.datapathProvider === "ADVANCED_DATAPATH") {
    return { datapath: "dataplane-v2", reason: "Dataplane V2 checks policy per packet: an established flow is cut once a policy denying it is in effect" };
  }
  if (gke?.networkPolicy?.enabled === true && gke?.addonsConfig?.networkPolicyConfig?.disabled !== true) {
    return { datapath: "calico", reason: "Calico keeps tracked (established) flows: a new deny policy does not cut them" };
  }
  return { datapath: "none", reason: "NetworkPolicy is not enforced on this datapath: nothing cuts the flow" };
}

export function addEstablishedFlow(cluster: SimCluster, flow: Omit<Flow, "id">): Flow {
  let list = flowsByCluster.get(cluster);
  if (!list) flowsByCluster.set(cluster, (list = []));
  const full: Flow = { id: `${flow.namespace}/${flow.pod}/${flow.localPort}-${flow.remoteIp}:${flow.remotePort}`, ...flow };
  list.push(full);
  return full;
}

export function establishedFlows(cluster: SimCluster): readonly Flow[] {
  return flowsByCluster.get(cluster) ?? [];
}

function ended(cluster: SimCluster, flow: Flow): string | undefined {
  const pod = cluster.store.get("pods", flow.namespace, flow.pod);
  if (!pod || pod.metadata.uid !== flow.podUid) return "its pod is gone";
  if (pod.status?.phase !== "Running") return `its pod is ${pod.status?.phase ?? "not running"}`;
  const status = ((pod.status?.containerStatuses ?? []) as { name: string; restartCount?: number; state?: { running?: unknown } }[]).find(
    (s) => s.name === flow.container,
  );
  if (!status?.state?.running || (status.restartCount ?? 0) !== flow.restartCount)
    return `container ${flow.container} restarted: the process holding it is gone`;
  return undefined;
}

/**
 * Dates the cut on Dataplane V2: the first moment since the flow was established at which
 * policy denies its packets (it only changes when a policy selecting the pod takes effect).
 * Once cut it stays cut, even if the policy goes: the connection does not come back.
 */
function updateCut(world: World, cluster: SimCluster, flow: Flow, now: number): void {
  if (flow.cutAt !== undefined) return;
  const pod = cluster.store.get("pods", flow.namespace, flow.pod);
  if (!pod) return;
  const candidates = [flow.establishedAt];
  for (const policy of cluster.store.scan("networking.k8s.io/networkpolicies", { namespace: flow.namespace })) {
    if (!policyTypes(policy).includes("Egress") || !matchesLabelSelector(policy.spec?.podSelector ?? {}, pod.metadata.labels)) continue;
    const at = policyEffectiveAt(world, policy);
    if (at <= now) candidates.push(Math.max(at, flow.establishedAt));
  }
  for (const at of [...new Set(candidates)].sort((a, b) => a - b)) {
    const verdict = isAllowed(cluster, world, { src: { pod }, dst: { ip: flow.remoteIp }, port: flow.remotePort, protocol: "TCP", at });
    if (!verdict.allowed) {
      flow.cutAt = at;
      flow.cutBy = verdict.reason;
      return;
    }
  }
}

function address(ip: string, port: number): string {
  return `${ip}:${port}`;
}

export function flowView(world: World, cluster: SimCluster, flow: Flow, now = world.clock.now()): FlowView {
  const { datapath, reason: datapathReason } = datapathOf(world, cluster);
  const base = {
    id: flow.id,
    namespace: flow.namespace,
    pod: flow.pod,
    container: flow.container,
    ...(flow.process ? { process: flow.process } : {}),
    protocol: flow.protocol,
    localAddress: address(flow.localIp, flow.localPort),
    remoteAddress: address(flow.remoteIp, flow.remotePort),
    establishedAt: new Date(flow.establishedAt).toISOString(),
    datapath,
  };
  const gone = ended(cluster, flow);
  if (gone) return { ...base, state: "closed", reason: gone };
  if (datapath === "dataplane-v2") updateCut(world, cluster, flow, now);
  if (flow.cutAt === undefined) {
    const why = datapath === "dataplane-v2" ? "no NetworkPolicy in effect denies its packets" : datapathReason;
    return { ...base, state: "established", reason: why };
  }
  const giveUp = flow.cutAt + RETRANSMIT_GIVE_UP_S * 1000;
  const cutAt = new Date(flow.cutAt).toISOString();
  if (now >= giveUp) {
    return {
      ...base,
      state: "closed",
      cutAt,
      closedAt: new Date(giveUp).toISOString(),
      reason: `cut by Dataplane V2 (${flow.cutBy}); the kernel gave up retransmitting after ${RETRANSMIT_GIVE_UP_S} s`,
    };
  }
  return {
    ...base,
    state: "dropping",
    cutAt,
    reason: `Dataplane V2 drops its packets (${flow.cutBy}); the pod's socket stays ESTABLISHED, retransmitting, until ${new Date(giveUp).toISOString()}`,
  };
}

export function flowViews(world: World, cluster: SimCluster): FlowView[] {
  const now = world.clock.now();
  return establishedFlows(cluster).map((f) => flowView(world, cluster, f, now));
}

// /proc/net/tcp as the kernel prints it: addresses as the raw little-endian u32 in hex, ports
// big-endian hex; st 0A LISTEN, 01 ESTABLISHED, 02 SYN_SENT; tr 01 = retransmit timer.
const HEADER = "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode";

function hexAddr(ip: string, port: number): string {
  const b = ip.split(".").map(Number);
  const le = ((b[3] << 24) | (b[2] << 16) | (b[1] << 8) | b[0]) >>> 0;
  return `${le.toString(16).toUpperCase().padStart(8, "0")}:${port.toString(16).toUpperCase().padStart(4, "0")}`;
}

function hex(n: number, width: number): string {
  return (n >>> 0).toString(16).toUpperCase().padStart(width, "0");
}

// Socket inodes are stable per pod, so /proc/<pid>/fd links (sim/kube/pods/procfs.ts) name
// the same inode as the socket's line in the table.
const inodeBase = (pod: KObject) => 40000 + (Number.parseInt(String(pod.metadata.uid ?? "0").slice(0, 4), 16) || 0) * 4;

export function listenInode(pod: KObject, port: number): number {
  return inodeBase(pod) + port;
}

export function flowInode(pod: KObject, flow: Flow): number {
  return inodeBase(pod) + 200000 + flow.localPort * 2;
}

/**
 * The pod's network namespace as /proc/net/tcp shows it from any of its containers (app or
 * ephemeral): a LISTEN line per declared TCP container port (unless closed), then its flows. A cut flow on
 * Dataplane V2 still reads ESTABLISHED, with unacknowledged bytes and the retransmit timer:
 * from inside the pod a cut looks like a stalled connection, not a closed one.
 */
export function procNetTcp(world: World, cluster: SimCluster, pod: KObject): string {
  const now = world.clock.now();
  const ip = (pod.status?.podIP as string | undefined) ?? "0.0.0.0";
  const uid = 10001;
  const lines: string[] = [HEADER];
  let sl = 0;
  const row = (local: string, remote: string, st: number, txq: number, tr: number, when: number, retr: number, inode: number) =>
    lines.push(
      `${String(sl++).padStart(4)}: ${local} ${remote} ${hex(st, 2)} ${hex(txq, 8)}:${hex(0, 8)} ${hex(tr, 2)}:${hex(when, 8)} ${hex(retr, 8)} ${String(uid).padStart(5)} ${String(0).padStart(8)} ${inode} 1 0000000000000000 100 0 0 10 0`,
    );
  for (const c of (pod.spec?.containers ?? []) as { ports?: { containerPort: number; protocol?: string }[] }[]) {
    for (const p of c.ports ?? [])
      if ((p.protocol ?? "TCP").toUpperCase() === "TCP" && !isListenerClosed(cluster, pod, p.containerPort))
        row(hexAddr("0.0.0.0", p.containerPort), hexAddr("0.0.0.0", 0), 0x0a, 0, 0, 0, 0, listenInode(pod, p.containerPort));
  }
  for (const flow of establishedFlows(cluster)) {
    if (flow.namespace !== pod.metadata.namespace || flow.pod !== pod.metadata.name || flow.podUid !== pod.metadata.uid) continue;
    const v = flowView(world, cluster, flow, now);
    const local = hexAddr(ip, flow.localPort);
    const remote = hexAddr(flow.remoteIp, flow.remotePort);
    if (v.state === "established")
      row(local, remote, 0x01, 0, 0x02, 0x1d4c0, 0, flowInode(pod, flow)); // keepalive timer
    else if (v.state === "dropping") {
      const elapsed = (now - flow.cutAt!) / 1000;
      // Exponential backoff from 200 ms, capped at 120 s: the number of retransmissions so far.
      let retr = 0;
      for (let t = 0.2, sum = 0; sum + t <= elapsed && retr < 15; sum += t, t = Math.min(t * 2, 120)) retr++;
      row(local, remote, 0x01, 0x2b0, 0x01, 0x7d0, retr, flowInode(pod, flow));
    } else if (v.cutAt && v.closedAt && !ended(cluster, flow)) {
      // The miner reconnects; its SYNs are dropped as well.
      row(hexAddr(ip, flow.localPort + 1), remote, 0x02, 1, 0x01, 0x3e8, 3, flowInode(pod, flow) + 1);
    }
  }
  return `${lines.join("\n")}\n`;
}
