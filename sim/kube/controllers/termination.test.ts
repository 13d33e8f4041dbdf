import { afterEach, describe, expect, it } from "vitest";
import { makeTestCluster, eventsFor, type TestCluster } from "./testing";
import { createBarePod } from "../../scenarios/builders";
import { deletePodGracefully } from "./termination";

let t: TestCluster;
afterEach(() => t?.world.stop());

describe("graceful termination", () => {
  it("keeps a deleted pod Terminating until its grace period has passed on the simulated clock", () => {
    t = makeTestCluster({ nodes: 1 });
    createBarePod(t.cluster, "shop", "web", { labels: { run: "web" }, containers: [{ name: "web", image: "nginx:1.27" }] });
    t.settle();
    t.advance(3);
    deletePodGracefully(t.world, t.cluster, t.cluster.store.get("pods", "shop", "web")!, 20);
    t.settle();
    const pod = t.cluster.store.get("pods", "shop", "web")!;
    expect(pod.metadata.deletionTimestamp).toBeDefined();
    expect(pod.metadata.deletionGracePeriodSeconds).toBe(20);
    const killing = eventsFor(t.cluster, "web", "Killing")[0];
    expect(killing.message).toBe("Stopping container web");
    t.advance(15);
    expect(t.cluster.store.get("pods", "shop", "web")).toBeDefined();
    t.advance(6);
    expect(t.cluster.store.get("pods", "shop", "web")).toBeUndefined();
  });

  it("waits for finalizers", () => {
    t = makeTestCluster({ nodes: 1 });
    createBarePod(t.cluster, "shop", "held", { labels: { run: "held" }, containers: [{ name: "c", image: "busybox:1.36" }] });
    t.settle();
    t.advance(3);
    t.update("pods", "shop", "held", (p) => (p.metadata.finalizers = ["example.com/hold"]));
    deletePodGracefully(t.world, t.cluster, t.cluster.store.get("pods", "shop", "held")!, 1);
    t.advance(5);
    expect(t.cluster.store.get("pods", "shop", "held")).toBeDefined();
    t.update("pods", "shop", "held", (p) => delete p.metadata.finalizers);
    t.settle();
    expect(t.cluster.store.get("pods", "shop", "held")).toBeUndefined();
  });

  it("removes a pod that never reached a node at once", () => {
    t = makeTestCluster({ nodes: 1 });
    t.update("nodes", undefined, t.nodes[0], (n) => (n.spec.unschedulable = true));
    createBarePod(t.cluster, "shop", "pending", { labels: { run: "p" }, containers: [{ name: "c", image: "busybox:1.36" }] });
    t.settle();
    deletePodGracefully(t.world, t.cluster, t.cluster.store.get("pods", "shop", "pending")!);
    expect(t.cluster.store.get("pods", "shop", "pending")).toBeUndefined();
  });
});
