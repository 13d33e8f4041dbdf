import { afterEach, describe, expect, it } from "vitest";
import { makeTestCluster, eventsFor, type TestCluster } from "./testing";
import { createDeployment } from "../../scenarios/builders";
import { controllerOf, isPodReady } from "./labels";

let t: TestCluster;
afterEach(() => t?.world.stop());

function deployCheckout(replicas = 2) {
  createDeployment(t.cluster, "shop", "checkout", {
    replicas,
    labels: { app: "checkout", tier: "backend" },
    selector: { app: "checkout" },
    containers: [{ name: "checkout", image: "checkout:1.0", ports: [{ name: "http", containerPort: 8080 }] }],
  });
  t.settle();
  t.advance(3);
}

describe("ReplicaSet controller", () => {
  it("creates pods named <rs>-<suffix> owned by the ReplicaSet, which the Deployment owns", () => {
    t = makeTestCluster();
    deployCheckout(2);
    const [rs] = t.cluster.store.list("apps/replicasets", { namespace: "shop" });
    expect(rs.metadata.name).toMatch(/^checkout-[bcdfghjklmnpqrstvwxz2456789]{6,10}$/);
    expect(rs.metadata.labels?.["pod-template-hash"]).toBe(rs.metadata.name.slice("checkout-".length));
    expect(controllerOf(rs)?.kind).toBe("Deployment");
    expect(rs.metadata.annotations?.["deployment.kubernetes.io/revision"]).toBe("1");
    const pods = t.pods();
    expect(pods).toHaveLength(2);
    for (const p of pods) {
      expect(p.metadata.name).toMatch(new RegExp(`^${rs.metadata.name}-[a-z0-9]{5}$`));
      expect(controllerOf(p)?.uid).toBe(rs.metadata.uid);
      expect(p.status.phase).toBe("Running");
      expect(isPodReady(p)).toBe(true);
    }
    expect(rs.status).toBeDefined();
    const fresh = t.cluster.store.get("apps/replicasets", "shop", rs.metadata.name)!;
    expect(fresh.status).toMatchObject({ replicas: 2, readyReplicas: 2, availableReplicas: 2 });
    const d = t.cluster.store.get("apps/deployments", "shop", "checkout")!;
    expect(d.status).toMatchObject({ replicas: 2, readyReplicas: 2, availableReplicas: 2, updatedReplicas: 2, observedGeneration: 1 });
    expect(d.status.conditions.map((c: { type: string }) => c.type)).toEqual(["Available", "Progressing"]);
  });

  it("releases a pod whose labels stop matching and starts a replacement; adopts it back when they match again", () => {
    t = makeTestCluster();
    deployCheckout(2);
    const [rs] = t.cluster.store.list("apps/replicasets", { namespace: "shop" });
    const victim = t.pods()[0].metadata.name;

    t.update("pods", "shop", victim, (p) => {
      delete p.metadata.labels!.app;
      p.metadata.labels!.quarantine = "true";
    });
    t.settle();
    const released = t.cluster.store.get("pods", "shop", victim)!;
    expect(released.metadata.ownerReferences ?? []).toHaveLength(0);
    expect(released.metadata.deletionTimestamp).toBeUndefined();
    const owned = t.pods().filter((p) => controllerOf(p)?.uid === rs.metadata.uid);
    expect(owned).toHaveLength(2);
    const replacement = owned.find((p) => p.metadata.name !== victim && p.status.phase === "Pending");
    expect(replacement).toBeDefined();
    expect(eventsFor(t.cluster, rs.metadata.name, "SuccessfulCreate").some((e) => e.message === `Created pod: ${replacement!.metadata.name}`)).toBe(true);
    t.advance(3);
    expect(isPodReady(t.cluster.store.get("pods", "shop", replacement!.metadata.name)!)).toBe(true);

    // Labels restored: adopted again, and the ReplicaSet scales the surplus back down.
    t.update("pods", "shop", victim, (p) => {
      p.metadata.labels!.app = "checkout";
      delete p.metadata.labels!.quarantine;
    });
    t.settle();
    const adopted = t.cluster.store.get("pods", "shop", victim)!;
    expect(controllerOf(adopted)?.uid).toBe(rs.metadata.uid);
    const active = t.pods().filter((p) => controllerOf(p)?.uid === rs.metadata.uid && !p.metadata.deletionTimestamp);
    expect(active).toHaveLength(2);
    expect(t.pods().filter((p) => p.metadata.deletionTimestamp)).toHaveLength(1);
  });

  it("scales to zero when the Deployment does, and back up", () => {
    t = makeTestCluster();
    deployCheckout(2);
    t.update("apps/deployments", "shop", "checkout", (d) => (d.spec.replicas = 0));
    t.settle();
    expect(t.pods().every((p) => p.metadata.deletionTimestamp)).toBe(true);
    t.advance(31);
    expect(t.pods()).toHaveLength(0);
    const d = t.cluster.store.get("apps/deployments", "shop", "checkout")!;
    expect(d.status.replicas ?? 0).toBe(0);
    expect(eventsFor(t.cluster, "checkout", "ScalingReplicaSet").map((e) => e.message)).toContainEqual(
      expect.stringMatching(/^Scaled down replica set checkout-\w+ from 2 to 0$/),
    );
  });

  it("rolls a new ReplicaSet when the template changes and retires the old one", () => {
    t = makeTestCluster();
    deployCheckout(2);
    const [old] = t.cluster.store.list("apps/replicasets", { namespace: "shop" });
    t.update("apps/deployments", "shop", "checkout", (d) => (d.spec.template.spec.containers[0].image = "checkout:1.1"));
    for (let i = 0; i < 5; i++) t.advance(3);
    const sets = t.cluster.store.list("apps/replicasets", { namespace: "shop" });
    expect(sets).toHaveLength(2);
    const fresh = sets.find((s) => s.metadata.uid !== old.metadata.uid)!;
    expect(fresh.spec.replicas).toBe(2);
    expect(fresh.metadata.annotations?.["deployment.kubernetes.io/revision"]).toBe("2");
    expect(t.cluster.store.get("apps/replicasets", "shop", old.metadata.name)!.spec.replicas).toBe(0);
    t.advance(31);
    expect(t.pods().map((p) => p.spec.containers[0].image)).toEqual(["checkout:1.1", "checkout:1.1"]);
  });
});
