import { afterEach, describe, expect, it } from "vitest";
import { makeTestCluster, type TestCluster } from "./controllers/testing";
import { createDeployment, createPdb } from "../scenarios/builders";
import { evictPod } from "./eviction";
import { ApiError } from "./errors";

let t: TestCluster;
afterEach(() => t?.world.stop());

const EVICTION = { apiVersion: "policy/v1", kind: "Eviction" };

function setup(budget: { minAvailable?: number | string; maxUnavailable?: number | string }, replicas = 2) {
  t = makeTestCluster({ nodes: 3 });
  createDeployment(t.cluster, "shop", "checkout", {
    replicas,
    labels: { app: "checkout", tier: "backend" },
    selector: { app: "checkout" },
    containers: [{ name: "checkout", image: "checkout:1" }],
  });
  createPdb(t.cluster, "shop", "checkout-pdb", { app: "checkout" }, budget);
  t.settle();
  t.advance(3);
}

function evict(name: string, dryRun = false) {
  return evictPod(t.world, t.cluster, "shop", name, { ...EVICTION, metadata: { name, namespace: "shop" } }, { dryRun });
}

function refusal(fn: () => unknown): ApiError {
  try {
    fn();
  } catch (err) {
    if (err instanceof ApiError) return err;
    throw err;
  }
  throw new Error("expected the eviction to be refused");
}

describe("pods/eviction", () => {
  it("keeps PDB status current", () => {
    setup({ minAvailable: 1 });
    const pdb = t.cluster.store.get("policy/poddisruptionbudgets", "shop", "checkout-pdb")!;
    expect(pdb.status).toMatchObject({ currentHealthy: 2, desiredHealthy: 1, disruptionsAllowed: 1, expectedPods: 2, observedGeneration: 1 });
    expect(pdb.status.conditions[0]).toMatchObject({ type: "DisruptionAllowed", status: "True", reason: "SufficientPods" });
  });

  it("answers 429 while the budget would be violated, and succeeds once the replacement is Ready", () => {
    setup({ minAvailable: 1 });
    const [first, second] = t.pods().map((p) => p.metadata.name);
    expect(evict(first)).toEqual({ kind: "Status", apiVersion: "v1", metadata: {}, status: "Success", code: 201 });
    t.settle();
    expect(t.cluster.store.get("pods", "shop", first)!.metadata.deletionTimestamp).toBeDefined();

    const err = refusal(() => evict(second));
    expect(err.code).toBe(429);
    expect(err.toStatus()).toMatchObject({
      status: "Failure",
      reason: "TooManyRequests",
      message: "Cannot evict pod as it would violate the pod's disruption budget.",
      details: { causes: [{ reason: "DisruptionBudget", message: "The disruption budget checkout-pdb needs 1 healthy pods and has 1 currently" }] },
      code: 429,
    });
    expect(t.cluster.store.get("pods", "shop", second)!.metadata.deletionTimestamp).toBeUndefined();

    // The ReplicaSet's replacement becomes Ready: the budget frees up.
    t.advance(3);
    expect(t.cluster.store.get("policy/poddisruptionbudgets", "shop", "checkout-pdb")!.status.disruptionsAllowed).toBe(1);
    expect(evict(second).status).toBe("Success");
    expect(t.cluster.store.get("pods", "shop", second)!.metadata.deletionTimestamp).toBeDefined();
  });

  it("does not let two quick evictions both pass", () => {
    setup({ maxUnavailable: 1 }, 3);
    const [a, b] = t.pods().map((p) => p.metadata.name);
    evict(a);
    expect(refusal(() => evict(b)).code).toBe(429);
  });

  it("honours dryRun: answers as it would, changes nothing", () => {
    setup({ minAvailable: 1 });
    const [first] = t.pods().map((p) => p.metadata.name);
    expect(evict(first, true).status).toBe("Success");
    expect(t.cluster.store.get("pods", "shop", first)!.metadata.deletionTimestamp).toBeUndefined();
    expect(t.cluster.store.get("policy/poddisruptionbudgets", "shop", "checkout-pdb")!.status.disruptedPods).toBeUndefined();
  });

  it("evicts pods no budget covers, and percentages count against the controller's scale", () => {
    setup({ minAvailable: "100%" });
    const [first] = t.pods().map((p) => p.metadata.name);
    const err = refusal(() => evict(first));
    expect(err.details?.causes?.[0].message).toBe("The disruption budget checkout-pdb needs 2 healthy pods and has 2 currently");
    t.update("pods", "shop", first, (p) => delete p.metadata.labels!.app);
    t.settle();
    expect(evict(first).status).toBe("Success");
  });

  it("rejects a body naming another pod", () => {
    setup({ minAvailable: 1 });
    const [first] = t.pods().map((p) => p.metadata.name);
    const err = refusal(() => evictPod(t.world, t.cluster, "shop", first, { ...EVICTION, metadata: { name: "other" } }));
    expect(err.code).toBe(400);
  });
});
