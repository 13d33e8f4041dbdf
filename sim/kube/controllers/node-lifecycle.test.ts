import { afterEach, describe, expect, it } from "vitest";
import { makeTestCluster, eventsFor, type TestCluster } from "./testing";
import { dispatchCompute } from "../../gcp/compute/router";
import type { GcpJson } from "../../gcp/state";
import { createBarePod, createDaemonSet } from "../../scenarios/builders";
import { nodeLifecycle, SCALE_DOWN_DISABLED } from "./node-lifecycle";

let t: TestCluster;
afterEach(() => t?.world.stop());

const ZONE = "us-central1-a";

function api(method: string, rest: string, body?: unknown): GcpJson {
  const answer = dispatchCompute(
    t.world,
    method,
    `/compute/v1/projects/${t.world.project}/${rest}`,
    new URLSearchParams(),
    body === undefined ? "" : JSON.stringify(body),
  );
  if (answer.status !== 200) throw new Error(`${method} ${rest} → ${answer.status} ${JSON.stringify(answer.body)}`);
  return answer.body;
}

/** What firewall-isolate does: a priority-0 deny-all egress rule for a tag, and the tag on the VM. */
function quarantine(node: string): void {
  api("POST", "global/firewalls", {
    name: "quarantine-egress-deny",
    network: "global/networks/default",
    direction: "EGRESS",
    priority: 0,
    denied: [{ IPProtocol: "all" }],
    destinationRanges: ["0.0.0.0/0"],
    targetTags: ["quarantine"],
  });
  const vm = api("GET", `zones/${ZONE}/instances/${node}`);
  api("POST", `zones/${ZONE}/instances/${node}/setTags`, { items: [...vm.tags.items, "quarantine"], fingerprint: vm.tags.fingerprint });
}

const pool = () => t.world.gcp.gkeClusters.get(`${ZONE}/test`)!.nodePools[0];
const migName = () => String(pool().instanceGroupUrls[0]).split("/").pop()!;
const ready = (node: string) =>
  (t.cluster.store.get("nodes", undefined, node)?.status.conditions as { type: string; status: string }[]).find((c) => c.type === "Ready")!;
const vm = (node: string) => t.world.gcp.instances.get(`${ZONE}/${node}`);
const disk = (node: string) => t.world.gcp.disks.get(`${ZONE}/${node}`);

function advanceInSteps(seconds: number, step = 30): void {
  for (let s = 0; s < seconds; s += step) t.advance(Math.min(step, seconds - s));
}

describe("kubelet heartbeat", () => {
  it("stops when the VM's egress is denied: Ready turns Unknown after the 40 s grace period, and comes back when the rule goes", () => {
    t = makeTestCluster();
    const node = t.nodes[0];
    quarantine(node);
    t.advance(10); // the first tick sees the cut
    t.advance(20);
    expect(ready(node).status).toBe("True");
    t.advance(20);
    const r = ready(node) as unknown as Record<string, string>;
    expect(r).toMatchObject({ status: "Unknown", reason: "NodeStatusUnknown", message: "Kubelet stopped posting node status." });
    // lastHeartbeatTime is the kubelet's last post, from before the cut; the transition is 40 s after the cut.
    const state0 = nodeLifecycle(t.cluster)!
      .describe()
      .find((s) => s.node === node)!;
    expect(Date.parse(r.lastTransitionTime) - Date.parse(state0.heartbeatStoppedAt!)).toBe(40_000);
    expect(Date.parse(r.lastHeartbeatTime)).toBeLessThanOrEqual(Date.parse(state0.heartbeatStoppedAt!));
    expect(t.cluster.store.get("nodes", undefined, node)!.spec.taints).toEqual(
      expect.arrayContaining([expect.objectContaining({ key: "node.kubernetes.io/unreachable", effect: "NoExecute" })]),
    );
    expect(eventsFor(t.cluster, node, "NodeNotReady")).toHaveLength(1);
    // Other nodes keep their heartbeat.
    expect(ready(t.nodes[1]).status).toBe("True");
    const state = nodeLifecycle(t.cluster)!
      .describe()
      .find((s) => s.node === node)!;
    expect(state).toMatchObject({ kubeletReachesControlPlane: false, autoRepair: true });
    expect(state.cutBy).toContain("quarantine-egress-deny");

    api("DELETE", "global/firewalls/quarantine-egress-deny");
    t.advance(10);
    expect(ready(node).status).toBe("True");
    expect(t.cluster.store.get("nodes", undefined, node)!.spec.taints).toBeUndefined();
  });

  it("a healthy kubelet re-posts its status every 5 minutes, so its heartbeat stays recent", () => {
    t = makeTestCluster();
    t.advance(10);
    const first = Date.parse((ready(t.nodes[0]) as unknown as Record<string, string>).lastHeartbeatTime);
    expect(t.world.clock.now() - first).toBeLessThan(11_000);
    t.advance(290);
    expect(Date.parse((ready(t.nodes[0]) as unknown as Record<string, string>).lastHeartbeatTime)).toBe(first);
    advanceInSteps(40, 10);
    expect(Date.parse((ready(t.nodes[0]) as unknown as Record<string, string>).lastHeartbeatTime)).toBeGreaterThan(first);
  });
});

describe("auto-repair", () => {
  it("recreates a node NotReady for 10 minutes: new VM id and boot disk, new Node object of the same name, pods gone", () => {
    t = makeTestCluster();
    const node = t.nodes[0];
    createBarePod(t.cluster, "shop", "evidence", {
      labels: { run: "evidence" },
      nodeName: node,
      containers: [{ name: "sh", image: "busybox:1.36", command: ["sleep", "86400"] }],
    });
    t.advance(3);
    expect(t.cluster.store.get("pods", "shop", "evidence")!.status.phase).toBe("Running");
    const before = { vm: vm(node)!.id, disk: disk(node)!.id, uid: t.cluster.store.get("nodes", undefined, node)!.metadata.uid };
    quarantine(node);
    t.advance(10);
    // One jump, as the demo's "10 minutes later" button does: NotReady at +40 s, repair at +640 s.
    t.advance(620);
    expect(vm(node)!.id).toBe(before.vm);
    t.advance(30);
    expect(vm(node)!.id).not.toBe(before.vm);
    expect(disk(node)!.id).not.toBe(before.disk);
    const fresh = t.cluster.store.get("nodes", undefined, node)!;
    expect(fresh.metadata.uid).not.toBe(before.uid);
    expect(fresh.metadata.annotations!["container.googleapis.com/instance_id"]).toBe(vm(node)!.id);
    expect(ready(node).status).toBe("True");
    expect(t.cluster.store.get("pods", "shop", "evidence")).toBeUndefined();
    // Recreated from the template: the quarantine tag is gone with the old VM.
    expect(vm(node)!.tags.items).not.toContain("quarantine");
    const ops = [...t.world.gcp.gkeOperations.values()].map((o) => o.operationType);
    expect(ops).toContain("AUTO_REPAIR_NODES");
    expect(eventsFor(t.cluster, node, "RegisteredNode")).toHaveLength(1);
  });

  it("leaves the node alone for 30+ minutes when the pool's auto-repair is off", () => {
    t = makeTestCluster();
    const node = t.nodes[0];
    pool().management.autoRepair = false;
    const before = { vm: vm(node)!.id, disk: disk(node)!.id, uid: t.cluster.store.get("nodes", undefined, node)!.metadata.uid };
    quarantine(node);
    advanceInSteps(1900, 60);
    expect({ vm: vm(node)!.id, disk: disk(node)!.id, uid: t.cluster.store.get("nodes", undefined, node)!.metadata.uid }).toEqual(before);
    expect(ready(node).status).toBe("Unknown");
  });

  it("leaves the node alone for 30+ minutes once its VM is abandoned from the instance group", () => {
    t = makeTestCluster();
    const node = t.nodes[0];
    api("POST", `zones/${ZONE}/instanceGroupManagers/${migName()}/abandonInstances`, { instances: [`zones/${ZONE}/instances/${node}`] });
    const before = { vm: vm(node)!.id, disk: disk(node)!.id, uid: t.cluster.store.get("nodes", undefined, node)!.metadata.uid };
    quarantine(node);
    t.advance(10);
    t.advance(1900);
    expect({ vm: vm(node)!.id, disk: disk(node)!.id, uid: t.cluster.store.get("nodes", undefined, node)!.metadata.uid }).toEqual(before);
    expect(
      nodeLifecycle(t.cluster)!
        .describe()
        .find((s) => s.node === node)!.managedBy,
    ).toBeUndefined();
  });
});

describe("cluster autoscaler", () => {
  it("removes a node empty of non-DaemonSet pods for 10 minutes, unless it is annotated scale-down-disabled", () => {
    t = makeTestCluster();
    pool().autoscaling = { enabled: true, minNodeCount: 1, maxNodeCount: 5 };
    const [protectedNode, busy, empty] = t.nodes;
    t.update("nodes", undefined, protectedNode, (n) => {
      n.metadata.annotations = { ...n.metadata.annotations, [SCALE_DOWN_DISABLED]: "true" };
    });
    createBarePod(t.cluster, "shop", "work", {
      labels: { run: "work" },
      nodeName: busy,
      containers: [{ name: "w", image: "busybox:1.36", command: ["sleep", "86400"] }],
    });
    // DaemonSet pods run on every node and keep none of them.
    createDaemonSet(t.cluster, "kube-system", "agent", {
      labels: { app: "agent" },
      selector: { app: "agent" },
      containers: [{ name: "agent", image: "busybox:1.36" }],
    });
    t.advance(3);
    expect([...t.cluster.store.scan("pods", { nodeName: empty })]).toHaveLength(1);
    const diskName = vm(empty)!.disks[0].source.split("/").pop();
    // Empty since the loop's first look (t = 0): still there at 583 s, gone after 600 s.
    t.advance(580);
    expect(t.cluster.store.get("nodes", undefined, empty)).toBeDefined();
    t.advance(30);
    expect(t.cluster.store.get("nodes", undefined, empty)).toBeUndefined();
    expect(vm(empty)).toBeUndefined();
    expect(t.world.gcp.disks.get(`${ZONE}/${diskName}`)).toBeUndefined();
    expect(t.world.gcp.instanceGroupManagers.get(`${ZONE}/${migName()}`)!.targetSize).toBe(2);
    expect(t.cluster.store.get("nodes", undefined, protectedNode)).toBeDefined();
    expect(t.cluster.store.get("nodes", undefined, busy)).toBeDefined();
    // Nothing more goes later either: the protected node stays, the busy one is needed.
    t.advance(1800);
    expect(
      t.cluster.store
        .list("nodes")
        .map((n) => n.metadata.name)
        .sort(),
    ).toEqual([protectedNode, busy].sort());
  });

  it("does nothing on pools without autoscaling", () => {
    t = makeTestCluster();
    t.advance(10);
    t.advance(1900);
    expect(t.cluster.store.list("nodes")).toHaveLength(3);
  });
});
