import { afterEach, describe, expect, it } from "vitest";
import { buildWorld } from "./populate";
import type { World } from "../world";
import { isPodReady } from "../kube/controllers/labels";

let world: World | undefined;
afterEach(() => world?.stop());

describe("scale scenario (scaled down: 200 nodes, 6,000 pods)", () => {
  it("builds Running pods on every node with GCE instances, and prints its build time and memory", () => {
    const started = Date.now();
    world = buildWorld({ scenario: "scale", seed: 3, netpolDelaySeconds: 300, nodes: 200, pods: 6000 });
    const ms = Date.now() - started;
    const cluster = world.clusters.get("fleet")!;
    // Reported, not asserted: timings depend on the machine.
    console.log(JSON.stringify({ scenario: "scale", nodes: 200, pods: 6000, buildMs: ms, rssMiB: Math.round(process.memoryUsage().rss / 1048576) }));

    expect(cluster.store.count("nodes")).toBe(200);
    expect(world.gcp.instances.size).toBe(200);
    expect(cluster.store.count("pods")).toBe(6000);
    expect(cluster.store.count("events")).toBe(0);
    const perNode = new Map<string, number>();
    for (const p of cluster.store.scan("pods")) perNode.set(p.spec.nodeName, (perNode.get(p.spec.nodeName) ?? 0) + 1);
    expect(perNode.size).toBe(200);
    expect(Math.max(...perNode.values())).toBe(30);

    const nodeName = [...perNode.keys()][0];
    const onNode = cluster.store.list("pods", { nodeName });
    expect(onNode).toHaveLength(30);
    expect(onNode.every((p) => p.status.phase === "Running" && isPodReady(p))).toBe(true);
    const ips = new Set(cluster.store.list("pods").map((p) => p.status.podIP));
    expect(ips.size).toBe(6000);

    const deployments = cluster.store.list("apps/deployments");
    expect(deployments.length).toBe(60);
    expect(deployments.every((d) => d.status.readyReplicas === d.spec.replicas)).toBe(true);
    const ep = cluster.store.get("endpoints", "team-000", "api")! as unknown as { subsets: { addresses: unknown[] }[] };
    expect(ep.subsets[0].addresses).toHaveLength(100);
  });

  it("leaves controllers quiet on a single change: one replacement pod, nothing else rewritten", () => {
    world = buildWorld({ scenario: "scale", seed: 3, netpolDelaySeconds: 300, nodes: 50, pods: 1500 });
    const cluster = world.clusters.get("fleet")!;
    const before = cluster.store.currentResourceVersion();
    const pod = cluster.store.list("pods", { namespace: "team-001" })[0];
    cluster.store.remove("pods", "team-001", pod.metadata.name);
    // The controllers drain their queues on the next tick.
    return new Promise<void>((resolve) =>
      setImmediate(() => {
        const changes = cluster.store.changesSince(before);
        expect(changes.filter((c) => c.resource === "pods" && c.type === "ADDED")).toHaveLength(1);
        expect(changes.filter((c) => c.resource === "apps/deployments").length).toBeLessThanOrEqual(2);
        resolve();
      }),
    );
  });
});
