import { describe, expect, it } from "vitest";
import { apiWorld, podObject } from "./testing";
import { deleteObject } from "./delete";
import type { KObject } from "../types";

/** obj with a controller owner reference to owner. */
function ownedBy(obj: KObject, owner: KObject): KObject {
  return {
    ...obj,
    metadata: {
      ...obj.metadata,
      ownerReferences: [{ apiVersion: owner.apiVersion, kind: owner.kind, name: owner.metadata.name, uid: owner.metadata.uid!, controller: true }],
    },
  };
}

describe("deleteObject", () => {
  it("puts a scheduled pod into Terminating with its grace period", () => {
    const { world, cluster, node } = apiWorld();
    cluster.store.create("pods", podObject("p", { nodeName: node, spec: { terminationGracePeriodSeconds: 45 } }));
    const { object, removed } = deleteObject(world, cluster, "pods", "shop", "p");
    expect(removed).toBe(false);
    expect(object.metadata.deletionGracePeriodSeconds).toBe(45);
    expect(Date.parse(object.metadata.deletionTimestamp!)).toBe(Math.floor(world.clock.now() / 1000) * 1000 + 45_000);
    // A second delete with a shorter grace shortens it; a longer one changes nothing.
    expect(deleteObject(world, cluster, "pods", "shop", "p", { gracePeriodSeconds: 60 }).object.metadata.deletionGracePeriodSeconds).toBe(45);
    expect(deleteObject(world, cluster, "pods", "shop", "p", { gracePeriodSeconds: 5 }).object.metadata.deletionGracePeriodSeconds).toBe(5);
  });

  it("removes at once with grace 0 or when the pod never ran on a node", () => {
    const { world, cluster, node } = apiWorld();
    cluster.store.create("pods", podObject("a", { nodeName: node }));
    cluster.store.create("pods", podObject("b"));
    expect(deleteObject(world, cluster, "pods", "shop", "a", { gracePeriodSeconds: 0 }).removed).toBe(true);
    expect(deleteObject(world, cluster, "pods", "shop", "b").removed).toBe(true);
    expect(cluster.store.count("pods")).toBe(0);
  });

  it("never stores under dryRun and checks preconditions", () => {
    const { world, cluster, node } = apiWorld();
    const pod = cluster.store.create("pods", podObject("p", { nodeName: node }));
    const dry = deleteObject(world, cluster, "pods", "shop", "p", { dryRun: true });
    expect(dry.object.metadata.deletionTimestamp).toBeDefined();
    expect(cluster.store.get("pods", "shop", "p")!.metadata.deletionTimestamp).toBeUndefined();
    expect(() => deleteObject(world, cluster, "pods", "shop", "p", { preconditions: { uid: "other" } })).toThrowError(expect.objectContaining({ code: 409 }));
    expect(cluster.store.get("pods", "shop", "p")!.metadata.uid).toBe(pod.metadata.uid);
  });

  it("takes dependents along in the background, recursively", () => {
    const { world, cluster, node } = apiWorld();
    const s = cluster.store;
    const deploy = s.create("apps/deployments", { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "d", namespace: "shop" }, spec: {} });
    const rs = s.create(
      "apps/replicasets",
      ownedBy({ apiVersion: "apps/v1", kind: "ReplicaSet", metadata: { name: "d-1", namespace: "shop" }, spec: {} }, deploy),
    );
    s.create("pods", ownedBy(podObject("d-1-a", { nodeName: node }), rs));
    s.create("pods", podObject("unrelated", { nodeName: node }));
    deleteObject(world, cluster, "apps/deployments", "shop", "d", { propagationPolicy: "Background" });
    expect(s.get("apps/deployments", "shop", "d")).toBeUndefined();
    expect(s.get("apps/replicasets", "shop", "d-1")).toBeUndefined();
    expect(s.get("pods", "shop", "d-1-a")!.metadata.deletionTimestamp).toBeDefined();
    expect(s.get("pods", "shop", "unrelated")!.metadata.deletionTimestamp).toBeUndefined();
  });

  it("orphans dependents by removing the owner reference", () => {
    const { world, cluster } = apiWorld();
    const s = cluster.store;
    const rs = s.create("apps/replicasets", { apiVersion: "apps/v1", kind: "ReplicaSet", metadata: { name: "r", namespace: "shop" }, spec: {} });
    s.create("pods", ownedBy(podObject("r-a"), rs));
    deleteObject(world, cluster, "apps/replicasets", "shop", "r", { propagationPolicy: "Orphan" });
    expect(s.get("apps/replicasets", "shop", "r")).toBeUndefined();
    const pod = s.get("pods", "shop", "r-a")!;
    expect(pod.metadata.ownerReferences).toBeUndefined();
    expect(pod.metadata.deletionTimestamp).toBeUndefined();
  });
});
