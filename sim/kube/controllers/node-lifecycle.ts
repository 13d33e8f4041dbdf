import type { World } from "../../world";
import type { SimCluster } from "../cluster";
import type { KObject } from "../types";
import type { GcpJson } from "../../gcp/state";
import { evaluateFirewall } from "../../gcp/firewall-eval";
import { managingGroup } from "../../gcp/compute/groups";
import { startOperation } from "../../gcp/compute/operations";
import { recordGkeOperation } from "../../gcp/container/clusters";
import { fingerprint } from "../../scenarios/infra";
import { recordEvent } from "../events";
import { controllerOf } from "./labels";

// What happens to a node from outside the cluster: its kubelet's heartbeat (which needs the
// VM's egress to the control plane), GKE auto-repair, and the cluster autoscaler. These are
// the threats issue 11's protect-node answers: firewalling a node's egress cuts the kubelet
// off, the node goes NotReady, and auto-repair recreates the VM ten minutes later (new boot
// disk, evidence gone); a drained node is what the autoscaler removes.
//
// One loop per cluster ticks every TICK_MS of simulated time. Every deadline is computed from
// timestamps, not from counting ticks, so one POST /_sim/clock/advance of 11 minutes does what
// 11 real minutes would: the cut is dated to the last tick that still saw the node reachable.

const TICK_MS = 10_000;
/** kube-controller-manager's --node-monitor-grace-period. */
export const NODE_MONITOR_GRACE_S = 40;
/** GKE repairs a node that reported NotReady on consecutive checks for about 10 minutes. */
export const AUTO_REPAIR_AFTER_S = 600;
/** cluster-autoscaler's --scale-down-unneeded-time. */
export const SCALE_DOWN_UNNEEDED_S = 600;
export const SCALE_DOWN_DISABLED = "cluster-autoscaler.kubernetes.io/scale-down-disabled";
const UNREACHABLE_TAINT = "node.kubernetes.io/unreachable";
/** The kubelet's nodeStatusReportFrequency: an unchanged healthy status is re-posted this often. */
export const STATUS_REPORT_S = 300;
/** Re-posts per pass at most, so a 5,000-node cluster does not write every node in one pass. */
const REPORTS_PER_TICK = 100;

export interface NodeLifecycleState {
  node: string;
  instance?: string;
  zone?: string;
  pool?: string;
  /** the VM's egress to the control plane endpoint (tcp 443), as its effective firewalls decide */
  kubeletReachesControlPlane: boolean;
  /** why not, when not: the firewall rule that denies it, or the VM's state */
  cutBy?: string;
  heartbeatStoppedAt?: string;
  notReadySince?: string;
  /** the managed instance group ("zone/name") that still manages the VM; absent when abandoned */
  managedBy?: string;
  autoRepair: boolean;
  autoRepairDueAt?: string;
  autoscaling: boolean;
  emptySince?: string;
  scaleDownDisabled: boolean;
  scaleDownDueAt?: string;
}

const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");

const loops = new WeakMap<SimCluster, NodeLifecycle>();

export function nodeLifecycle(cluster: SimCluster): NodeLifecycle | undefined {
  return loops.get(cluster);
}

/** Starts the cluster's loop once (idempotent); stops with the cluster. */
export function startNodeLifecycle(world: World, cluster: SimCluster): NodeLifecycle {
  let loop = loops.get(cluster);
  if (loop) return loop;
  loop = new NodeLifecycle(world, cluster);
  loops.set(cluster, loop);
  const l = loop;
  cluster.stops.push(() => {
    l.stop();
    loops.delete(cluster);
  });
  l.start();
  return l;
}

export class NodeLifecycle {
  private lastTick: number;
  private readonly cutSince = new Map<string, number>();
  private readonly emptySince = new Map<string, number>();
  private cancel: (() => void) | undefined;
  private stopped = false;
  private reports = 0;

  constructor(
    private readonly world: World,
    private readonly cluster: SimCluster,
  ) {
    this.lastTick = world.clock.now();
  }

  start(): void {
    this.arm();
  }

  stop(): void {
    this.stopped = true;
    this.cancel?.();
  }

  private arm(): void {
    if (this.stopped) return;
    this.cancel = this.world.clock.after(TICK_MS, () => {
      this.tick();
      this.arm();
    });
  }

  /** One pass over every node; exported for tests that want a pass without waiting. */
  tick(): void {
    if (this.stopped) return;
    const now = this.world.clock.now();
    this.reports = 0;
    for (const node of [...this.cluster.store.scan("nodes")]) {
      const vm = this.vmOf(node);
      if (!vm) continue;
      this.heartbeat(node, vm.instance, now);
      const current = this.cluster.store.get("nodes", undefined, node.metadata.name);
      if (current && this.repairDue(current, vm, now)) {
        this.repair(current, vm);
        continue;
      }
      if (current && this.scaleDownDue(current, vm, now)) this.scaleDown(current, vm);
    }
    this.lastTick = now;
  }

  /** What the loop knows about each node, for /_sim/nodes/<cluster> and tests. */
  describe(): NodeLifecycleState[] {
    const now = this.world.clock.now();
    const out: NodeLifecycleState[] = [];
    for (const node of this.cluster.store.scan("nodes")) {
      const name = node.metadata.name;
      const vm = this.vmOf(node);
      const reach = vm ? this.reachability(vm.instance) : { ok: false, why: "no VM behind the node" };
      const pool = this.poolOf(node);
      const cut = this.cutSince.get(name);
      const empty = this.emptySince.get(name);
      const managedBy = vm ? managingGroup(this.world, vm.zone, vm.name) : undefined;
      const autoRepair = pool?.management?.autoRepair === true;
      const autoscaling = pool?.autoscaling?.enabled === true;
      const disabled = node.metadata.annotations?.[SCALE_DOWN_DISABLED] === "true";
      const notReadyAt = cut !== undefined ? cut + NODE_MONITOR_GRACE_S * 1000 : undefined;
      out.push({
        node: name,
        instance: vm?.name,
        zone: vm?.zone,
        pool: node.metadata.labels?.["cloud.google.com/gke-nodepool"],
        kubeletReachesControlPlane: reach.ok,
        ...(reach.why ? { cutBy: reach.why } : {}),
        ...(cut !== undefined ? { heartbeatStoppedAt: iso(cut) } : {}),
        ...(notReadyAt !== undefined && notReadyAt <= now ? { notReadySince: iso(notReadyAt) } : {}),
        ...(managedBy ? { managedBy } : {}),
        autoRepair,
        ...(notReadyAt !== undefined && autoRepair && managedBy ? { autoRepairDueAt: iso(notReadyAt + AUTO_REPAIR_AFTER_S * 1000) } : {}),
        autoscaling,
        ...(empty !== undefined ? { emptySince: iso(empty) } : {}),
        scaleDownDisabled: disabled,
        ...(empty !== undefined && autoscaling && managedBy && !disabled ? { scaleDownDueAt: iso(empty + SCALE_DOWN_UNNEEDED_S * 1000) } : {}),
      });
    }
    return out;
  }

  private gke(): GcpJson | undefined {
    return this.world.gcp.gkeClusters.get(`${this.cluster.location}/${this.cluster.name}`);
  }

  private poolOf(node: KObject): GcpJson | undefined {
    const name = node.metadata.labels?.["cloud.google.com/gke-nodepool"];
    return (this.gke()?.nodePools ?? []).find((p: GcpJson) => p.name === name);
  }

  private vmOf(node: KObject): { zone: string; name: string; key: string; instance: GcpJson } | undefined {
    const m = /^gce:\/\/[^/]+\/([^/]+)\/([^/]+)$/.exec(String(node.spec?.providerID ?? ""));
    if (!m) return undefined;
    const key = `${m[1]}/${m[2]}`;
    const instance = this.world.gcp.instances.get(key);
    return instance ? { zone: m[1], name: m[2], key, instance } : undefined;
  }

  /** The kubelet posts status and renews its lease over HTTPS to the control plane endpoint. */
  private reachability(instance: GcpJson): { ok: boolean; why?: string } {
    if (instance.status !== "RUNNING") return { ok: false, why: `VM is ${instance.status}` };
    const endpoint = this.gke()?.endpoint as string | undefined;
    if (!endpoint) return { ok: true };
    const decision = evaluateFirewall(this.world.gcp.firewalls.values(), instance, { direction: "EGRESS", protocol: "tcp", port: 443, remoteIp: endpoint });
    return decision.action === "allow" ? { ok: true } : { ok: false, why: `firewall ${decision.rule.name} denies egress to the control plane ${endpoint}:443` };
  }

  private heartbeat(node: KObject, instance: GcpJson, now: number): void {
    const name = node.metadata.name;
    const reach = this.reachability(instance);
    const ready = (node.status?.conditions ?? []).find((c: { type: string }) => c.type === "Ready");
    if (reach.ok) {
      this.cutSince.delete(name);
      if (ready && ready.status !== "True") this.markReady(node, now);
      else if (ready && now - Date.parse(ready.lastHeartbeatTime) >= STATUS_REPORT_S * 1000 && this.reports < REPORTS_PER_TICK) {
        this.reports++;
        this.report(node, now);
      }
      return;
    }
    if (!this.cutSince.has(name)) this.cutSince.set(name, this.lastTick);
    const cut = this.cutSince.get(name)!;
    const notReadyAt = cut + NODE_MONITOR_GRACE_S * 1000;
    if (now >= notReadyAt && ready?.status === "True") this.markUnknown(node, cut, notReadyAt);
  }

  /** The periodic status post of a healthy kubelet: heartbeat times only, no event. */
  private report(node: KObject, now: number): void {
    const next = structuredClone(node);
    for (const c of next.status.conditions ?? []) c.lastHeartbeatTime = iso(now);
    delete next.metadata.resourceVersion;
    this.cluster.store.update("nodes", next);
  }

  private markUnknown(node: KObject, lastHeartbeat: number, at: number): void {
    const next = structuredClone(node);
    for (const c of next.status.conditions ?? []) {
      c.status = "Unknown";
      c.reason = "NodeStatusUnknown";
      c.message = "Kubelet stopped posting node status.";
      c.lastHeartbeatTime = iso(lastHeartbeat);
      c.lastTransitionTime = iso(at);
    }
    const taints = (next.spec.taints ?? []).filter((t: { key: string }) => t.key !== UNREACHABLE_TAINT);
    next.spec.taints = [
      ...taints,
      { key: UNREACHABLE_TAINT, effect: "NoSchedule", timeAdded: iso(at) },
      { key: UNREACHABLE_TAINT, effect: "NoExecute", timeAdded: iso(at) },
    ];
    delete next.metadata.resourceVersion;
    const updated = this.cluster.store.update("nodes", next);
    recordEvent(this.world, this.cluster, updated, "Normal", "NodeNotReady", `Node ${node.metadata.name} status is now: NodeNotReady`, {
      component: "node-controller",
    });
  }

  private markReady(node: KObject, now: number): void {
    const next = structuredClone(node);
    const healthy: Record<string, [string, string, string]> = {
      MemoryPressure: ["False", "KubeletHasSufficientMemory", "kubelet has sufficient memory available"],
      DiskPressure: ["False", "KubeletHasNoDiskPressure", "kubelet has no disk pressure"],
      PIDPressure: ["False", "KubeletHasSufficientPID", "kubelet has sufficient PID available"],
      Ready: ["True", "KubeletReady", "kubelet is posting ready status. AppArmor enabled"],
    };
    for (const c of next.status.conditions ?? []) {
      const h = healthy[c.type];
      if (!h) continue;
      [c.status, c.reason, c.message] = h;
      c.lastHeartbeatTime = iso(now);
      c.lastTransitionTime = iso(now);
    }
    next.spec.taints = (next.spec.taints ?? []).filter((t: { key: string }) => t.key !== UNREACHABLE_TAINT);
    if (!next.spec.taints.length) delete next.spec.taints;
    delete next.metadata.resourceVersion;
    const updated = this.cluster.store.update("nodes", next);
    recordEvent(this.world, this.cluster, updated, "Normal", "NodeReady", `Node ${node.metadata.name} status is now: NodeReady`, {
      component: "kubelet",
      host: node.metadata.name,
    });
  }

  private repairDue(node: KObject, vm: { zone: string; name: string }, now: number): boolean {
    const cut = this.cutSince.get(node.metadata.name);
    if (cut === undefined) return false;
    if (now < cut + (NODE_MONITOR_GRACE_S + AUTO_REPAIR_AFTER_S) * 1000) return false;
    if (this.poolOf(node)?.management?.autoRepair !== true) return false;
    // GKE repairs through the node's instance group: a VM abandoned from it is out of reach.
    return managingGroup(this.world, vm.zone, vm.name) !== undefined;
  }

  /**
   * GKE recreates the VM through its group (same name, from the template: new instance id,
   * new boot disk, the old one deleted with it, tags and external IP as the template gives
   * them), and the new kubelet registers a new Node object under the same name. Pods bound to
   * the old node are gone; their controllers recreate them elsewhere.
   */
  private repair(node: KObject, vm: { zone: string; name: string; key: string; instance: GcpJson }): void {
    const { world, cluster } = this;
    const name = node.metadata.name;
    const group = managingGroup(world, vm.zone, vm.name)!;
    const mig = world.gcp.instanceGroupManagers.get(group)!;
    const template = world.gcp.instanceTemplates.get(String(mig.instanceTemplate).split("/").pop()!);
    const pool = this.poolOf(node)!;
    recordGkeOperation(
      world,
      cluster.location,
      "AUTO_REPAIR_NODES",
      `https://container.googleapis.com/v1/projects/${world.gcp.projectNumber}/zones/${cluster.location}/clusters/${cluster.name}/nodePools/${pool.name}`,
      `Node ${name} was NotReady for more than ${AUTO_REPAIR_AFTER_S / 60} minutes; recreating it.`,
    );
    startOperation(world, {
      scope: { zone: vm.zone },
      operationType: "compute.instanceGroupManagers.recreateInstances",
      targetLink: mig.selfLink,
      targetId: mig.id,
    });
    recordEvent(world, cluster, node, "Normal", "RemovingNode", `Node ${name} event: Removing Node ${name} from Controller`, { component: "node-controller" });

    for (const pod of [...cluster.store.scan("pods", { nodeName: name })]) cluster.store.remove("pods", pod.metadata.namespace, pod.metadata.name);
    cluster.store.remove("nodes", undefined, name);

    const instance = structuredClone(vm.instance);
    const now = world.clock.now();
    const created = new Date(now - 8 * 3600_000).toISOString().replace("Z", "-08:00");
    instance.id = world.random.digits(19);
    instance.creationTimestamp = created;
    instance.tags = { items: [...(template?.properties?.tags?.items ?? [])], fingerprint: fingerprint(world) };
    instance.labels = { ...(template?.properties?.labels ?? instance.labels) };
    instance.fingerprint = fingerprint(world);
    instance.status = "RUNNING";
    for (const nic of instance.networkInterfaces ?? []) {
      nic.accessConfigs = [
        {
          kind: "compute#accessConfig",
          type: "ONE_TO_ONE_NAT",
          name: "external-nat",
          natIP: `34.${64 + world.random.int(64)}.${world.random.int(256)}.${1 + world.random.int(254)}`,
          networkTier: "PREMIUM",
        },
      ];
      nic.fingerprint = fingerprint(world);
    }
    world.gcp.instances.set(vm.key, instance);
    for (const d of instance.disks ?? []) {
      const diskName = String(d.source).split("/").pop()!;
      const diskKey = `${vm.zone}/${diskName}`;
      const old = world.gcp.disks.get(diskKey);
      if (!old) continue;
      world.gcp.disks.delete(diskKey);
      if (!d.boot) continue;
      // The recreated boot disk comes from the node image again: same name, nothing of the old one.
      const disk = structuredClone(old);
      disk.id = world.random.digits(19);
      disk.creationTimestamp = created;
      delete disk.lastAttachTimestamp;
      world.gcp.disks.set(diskKey, disk);
    }

    const fresh = structuredClone(node);
    fresh.metadata = {
      name,
      labels: {
        ...Object.fromEntries(
          Object.entries(node.metadata.labels ?? {}).filter(
            ([k]) => k.includes("kubernetes.io/") || k.startsWith("cloud.google.com/") || k.startsWith("node.kubernetes.io/"),
          ),
        ),
      },
      annotations: { "node.alpha.kubernetes.io/ttl": "0", "container.googleapis.com/instance_id": instance.id },
    };
    delete fresh.spec.taints;
    delete fresh.spec.unschedulable;
    fresh.status.nodeInfo = { ...fresh.status.nodeInfo, bootID: world.random.uuid(), systemUUID: world.random.uuid() };
    for (const c of fresh.status.conditions ?? []) {
      c.lastHeartbeatTime = iso(now);
      c.lastTransitionTime = iso(now);
    }
    fresh.status.conditions = (fresh.status.conditions ?? []).map((c: Record<string, string>) =>
      c.type === "Ready"
        ? { ...c, status: "True", reason: "KubeletReady", message: "kubelet is posting ready status. AppArmor enabled" }
        : {
            ...c,
            status: "False",
            reason:
              { MemoryPressure: "KubeletHasSufficientMemory", DiskPressure: "KubeletHasNoDiskPressure", PIDPressure: "KubeletHasSufficientPID" }[c.type] ??
              c.reason,
            message: c.message === "Kubelet stopped posting node status." ? "" : c.message,
          },
    );
    const natIP = instance.networkInterfaces?.[0]?.accessConfigs?.[0]?.natIP;
    fresh.status.addresses = (fresh.status.addresses ?? []).map((a: { type: string; address: string }) =>
      a.type === "ExternalIP" && natIP ? { ...a, address: natIP } : a,
    );
    const registered = cluster.store.create("nodes", fresh);
    recordEvent(world, cluster, registered, "Normal", "Starting", "Starting kubelet.", { component: "kubelet", host: name });
    recordEvent(world, cluster, registered, "Normal", "RegisteredNode", `Node ${name} event: Registered Node ${name} in Controller`, {
      component: "node-controller",
    });
    this.cutSince.delete(name);
    this.emptySince.delete(name);
  }

  /** Pods that keep a node "needed": not DaemonSet pods, not mirror pods, not finished or terminating. */
  private hasWorkload(nodeName: string): boolean {
    for (const pod of this.cluster.store.scan("pods", { nodeName })) {
      if (pod.status?.phase === "Succeeded" || pod.status?.phase === "Failed") continue;
      if (pod.metadata.deletionTimestamp) continue;
      if (controllerOf(pod)?.kind === "DaemonSet") continue;
      if (pod.metadata.annotations?.["kubernetes.io/config.mirror"]) continue;
      return true;
    }
    return false;
  }

  private scaleDownDue(node: KObject, vm: { zone: string; name: string }, now: number): boolean {
    const name = node.metadata.name;
    const pool = this.poolOf(node);
    if (pool?.autoscaling?.enabled !== true || this.hasWorkload(name)) {
      this.emptySince.delete(name);
      return false;
    }
    if (!this.emptySince.has(name)) this.emptySince.set(name, this.lastTick);
    if (now < this.emptySince.get(name)! + SCALE_DOWN_UNNEEDED_S * 1000) return false;
    if (node.metadata.annotations?.[SCALE_DOWN_DISABLED] === "true") return false;
    // The autoscaler only sees nodes of its node groups: an abandoned VM is not one.
    const group = managingGroup(this.world, vm.zone, vm.name);
    if (!group) return false;
    return (this.world.gcp.migMembers.get(group)?.size ?? 0) > (pool.autoscaling.minNodeCount ?? 0);
  }

  /** Deletes the VM through its group (boot disk with it) and the Node with what still ran there. */
  private scaleDown(node: KObject, vm: { zone: string; name: string; key: string; instance: GcpJson }): void {
    const { world, cluster } = this;
    const name = node.metadata.name;
    const group = managingGroup(world, vm.zone, vm.name)!;
    const mig = world.gcp.instanceGroupManagers.get(group)!;
    recordEvent(world, cluster, node, "Normal", "ScaleDown", `node removed by cluster autoscaler: empty for ${SCALE_DOWN_UNNEEDED_S / 60} minutes`, {
      component: "cluster-autoscaler",
    });
    startOperation(world, {
      scope: { zone: vm.zone },
      operationType: "compute.instanceGroupManagers.deleteInstances",
      targetLink: mig.selfLink,
      targetId: mig.id,
    });
    world.gcp.migMembers.get(group)!.delete(vm.name);
    mig.targetSize = Math.max(0, (mig.targetSize ?? 1) - 1);
    mig.currentActions.none = world.gcp.migMembers.get(group)!.size;
    for (const d of vm.instance.disks ?? []) if (d.autoDelete) world.gcp.disks.delete(`${vm.zone}/${String(d.source).split("/").pop()}`);
    world.gcp.instances.delete(vm.key);
    const gke = this.gke();
    if (gke) gke.currentNodeCount = Math.max(0, (gke.currentNodeCount ?? 1) - 1);
    for (const pod of [...cluster.store.scan("pods", { nodeName: name })]) cluster.store.remove("pods", pod.metadata.namespace, pod.metadata.name);
    cluster.store.remove("nodes", undefined, name);
    this.emptySince.delete(name);
    this.cutSince.delete(name);
  }
}
