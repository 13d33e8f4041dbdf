import { afterEach, describe, expect, it } from "vitest";
import { makeTestCluster, eventsFor, type TestCluster } from "./testing";
import { createBarePod, createDaemonSet, createDeployment } from "../../scenarios/builders";
import { controllerOf } from "./labels";

let t: TestCluster;
afterEach(() => t?.world.stop());

const cordon = (node: string, on = true) => t.update("nodes", undefined, node, (n) => (n.spec.unschedulable = on || undefined));

describe("scheduler", () => {
  it("never places a pod on a cordoned node", () => {
    t = makeTestCluster({ nodes: 3 });
    cordon(t.nodes[0]);
    t.settle();
    createDeployment(t.cluster, "shop", "web", { replicas: 6, labels: { app: "web" }, containers: [{ name: "web", image: "nginx:1.27" }] });
    t.settle();
    const placed = t.pods().map((p) => p.spec.nodeName);
    expect(placed).toHaveLength(6);
    expect(placed).not.toContain(t.nodes[0]);
    expect(new Set(placed)).toEqual(new Set([t.nodes[1], t.nodes[2]]));
    const pod = t.pods()[0];
    const scheduled = eventsFor(t.cluster, pod.metadata.name, "Scheduled")[0];
    expect(scheduled.message).toBe(`Successfully assigned shop/${pod.metadata.name} to ${pod.spec.nodeName}`);
    expect(scheduled.source).toEqual({ component: "default-scheduler" });
  });

  it("leaves a pod Pending with FailedScheduling when every node is cordoned, and binds it on uncordon", () => {
    t = makeTestCluster({ nodes: 2 });
    for (const n of t.nodes) cordon(n);
    createBarePod(t.cluster, "shop", "lonely", { labels: { run: "lonely" }, containers: [{ name: "c", image: "busybox:1.36" }] });
    t.settle();
    let pod = t.cluster.store.get("pods", "shop", "lonely")!;
    expect(pod.spec.nodeName).toBeUndefined();
    const failed = eventsFor(t.cluster, "lonely", "FailedScheduling")[0];
    expect(failed.type).toBe("Warning");
    expect(failed.message).toMatch(/^0\/2 nodes are available: 2 node\(s\) were unschedulable\./);
    cordon(t.nodes[1], false);
    t.settle();
    t.advance(3);
    pod = t.cluster.store.get("pods", "shop", "lonely")!;
    expect(pod.spec.nodeName).toBe(t.nodes[1]);
    expect(pod.status.phase).toBe("Running");
  });

  it("records NodeNotSchedulable and NodeSchedulable when a node is cordoned and uncordoned", () => {
    t = makeTestCluster({ nodes: 1 });
    cordon(t.nodes[0]);
    t.settle();
    cordon(t.nodes[0], false);
    t.settle();
    const events = eventsFor(t.cluster, t.nodes[0]).map((e) => [e.reason, e.message, e.metadata.namespace]);
    expect(events).toEqual([
      ["NodeNotSchedulable", `Node ${t.nodes[0]} status is now: NodeNotSchedulable`, "default"],
      ["NodeSchedulable", `Node ${t.nodes[0]} status is now: NodeSchedulable`, "default"],
    ]);
  });

  it("pins one DaemonSet pod to every node, cordoned or not", () => {
    t = makeTestCluster({ nodes: 3 });
    cordon(t.nodes[2]);
    createDaemonSet(t.cluster, "kube-system", "agent", { labels: { app: "agent" }, containers: [{ name: "agent", image: "agent:1" }] });
    t.settle();
    t.advance(3);
    const pods = t.pods("kube-system");
    expect(pods.map((p) => p.spec.nodeName).sort()).toEqual([...t.nodes].sort());
    expect(pods.every((p) => controllerOf(p)?.kind === "DaemonSet" && p.status.phase === "Running")).toBe(true);
    const ds = t.cluster.store.get("apps/daemonsets", "kube-system", "agent")!;
    expect(ds.status).toMatchObject({ desiredNumberScheduled: 3, currentNumberScheduled: 3, numberReady: 3 });
  });

  it("brings a bound pod to Running with IP in the node's range, container IDs and kubelet events", () => {
    t = makeTestCluster({ nodes: 1 });
    createBarePod(t.cluster, "shop", "one", { labels: { run: "one" }, containers: [{ name: "c", image: "nginx:1.27" }] });
    t.settle();
    expect(t.cluster.store.get("pods", "shop", "one")!.status.phase).toBe("Pending");
    t.advance(2);
    const pod = t.cluster.store.get("pods", "shop", "one")!;
    const node = t.cluster.store.get("nodes", undefined, t.nodes[0])!;
    expect(pod.status.phase).toBe("Running");
    expect(pod.status.podIP.startsWith(node.spec.podCIDR.replace(/0\/24$/, ""))).toBe(true);
    expect(pod.status.hostIP).toBe(node.status.addresses[0].address);
    expect(pod.status.containerStatuses[0]).toMatchObject({ name: "c", ready: true, started: true, restartCount: 0, image: "docker.io/library/nginx:1.27" });
    expect(pod.status.containerStatuses[0].containerID).toMatch(/^containerd:\/\/[0-9a-f]{64}$/);
    expect(pod.status.conditions.map((c: { type: string }) => c.type)).toEqual(
      expect.arrayContaining(["PodScheduled", "Initialized", "ContainersReady", "Ready"]),
    );
    expect(eventsFor(t.cluster, "one").map((e) => e.reason)).toEqual(["Scheduled", "Pulled", "Created", "Started"]);
  });
});
