/* eslint-disable @typescript-eslint/no-explicit-any */
import { afterEach, describe, expect, it } from "vitest";
import { makeTestCluster, type TestCluster } from "./testing";
import { createDeployment, serviceObject } from "../../scenarios/builders";
import { applyServiceDefaults } from "./services";
import { deletePodGracefully } from "./termination";

let t: TestCluster;
afterEach(() => t?.world.stop());

function setup() {
  t = makeTestCluster({ nodes: 2 });
  createDeployment(t.cluster, "shop", "checkout", {
    replicas: 2,
    labels: { app: "checkout", tier: "backend" },
    selector: { app: "checkout" },
    containers: [{ name: "checkout", image: "checkout:1", ports: [{ name: "http", containerPort: 8080 }] }],
  });
  t.cluster.store.create(
    "services",
    applyServiceDefaults(
      t.world,
      t.cluster,
      serviceObject("shop", "checkout", { selector: { app: "checkout" }, ports: [{ name: "web", port: 80, targetPort: "http" }] }),
    ),
  );
  t.settle();
  t.advance(3);
}

const addresses = () =>
  ((t.cluster.store.get("endpoints", "shop", "checkout")!.subsets as any[]) ?? [])
    .flatMap((s: { addresses?: { targetRef: { name: string } }[] }) => (s.addresses ?? []).map((a) => a.targetRef.name))
    .sort();

describe("endpoints controller", () => {
  it("lists Ready pods selected by the Service, with the named targetPort resolved", () => {
    setup();
    const ep = t.cluster.store.get("endpoints", "shop", "checkout")! as any;
    expect(ep.subsets).toHaveLength(1);
    expect(ep.subsets[0].ports).toEqual([{ name: "web", port: 8080, protocol: "TCP" }]);
    expect(addresses()).toEqual(
      t
        .pods()
        .map((p) => p.metadata.name)
        .sort(),
    );
    const [slice] = t.cluster.store.list("discovery.k8s.io/endpointslices", { namespace: "shop" }) as any[];
    expect(slice.metadata.labels?.["kubernetes.io/service-name"]).toBe("checkout");
    expect(slice.endpoints).toHaveLength(2);
    expect(slice.endpoints.every((e: { conditions: { ready: boolean } }) => e.conditions.ready)).toBe(true);
  });

  it("drops a pod whose labels no longer match, and adds the replacement once Ready", () => {
    setup();
    const victim = t.pods()[0].metadata.name;
    t.update("pods", "shop", victim, (p) => delete p.metadata.labels!.app);
    t.settle();
    expect(addresses()).not.toContain(victim);
    expect(addresses()).toHaveLength(1);
    // The replacement has no IP until the kubelet starts it, so it is not listed yet.
    expect((t.cluster.store.get("endpoints", "shop", "checkout")! as any).subsets[0].notReadyAddresses).toBeUndefined();
    t.advance(3);
    expect(addresses()).toHaveLength(2);
    expect(addresses()).not.toContain(victim);
  });

  it("takes terminating pods out of Endpoints and marks them terminating in the slice", () => {
    setup();
    const victim = t.pods()[0];
    deletePodGracefully(t.world, t.cluster, victim);
    t.settle();
    expect(addresses()).not.toContain(victim.metadata.name);
    const [slice] = t.cluster.store.list("discovery.k8s.io/endpointslices", { namespace: "shop" }) as any[];
    const e = slice.endpoints.find((x: { targetRef: { name: string } }) => x.targetRef.name === victim.metadata.name);
    expect(e.conditions).toEqual({ ready: false, serving: true, terminating: true });
  });

  it("follows a patched selector, and leaves Services without a selector alone", () => {
    setup();
    t.update("services", "shop", "checkout", (s) => (s.spec.selector = { app: "nothing" }));
    t.settle();
    expect(t.cluster.store.get("endpoints", "shop", "checkout")!.subsets).toBeUndefined();
    const k8s = t.cluster.store.get("endpoints", "default", "kubernetes")! as any;
    expect(k8s.subsets[0].addresses).toHaveLength(1);
  });

  it("allocates cluster IPs from the service range, node ports, and a load balancer IP after a moment", () => {
    setup();
    const lb = t.cluster.store.create(
      "services",
      applyServiceDefaults(
        t.world,
        t.cluster,
        serviceObject("shop", "front", { type: "LoadBalancer", selector: { app: "checkout" }, ports: [{ port: 80, targetPort: 8080 }] }),
      ),
    );
    expect(lb.spec.clusterIP).toMatch(/^10\.8\.\d+\.\d+$/);
    expect(lb.spec.ports[0].nodePort).toBeGreaterThanOrEqual(30000);
    expect(lb.spec.ports[0].nodePort).toBeLessThanOrEqual(32767);
    t.settle();
    expect(t.cluster.store.get("services", "shop", "front")!.status.loadBalancer.ingress).toBeUndefined();
    t.advance(4);
    expect(t.cluster.store.get("services", "shop", "front")!.status.loadBalancer.ingress[0].ip).toMatch(/^34\./);
  });
});
