import { describe, expect, it } from "vitest";
import { DEMO, countAllPods, findCompromisedPod } from "./demo-fixture";
import { podFieldSelector } from "./list-query";
import { listNetworkPolicies } from "./list-network-policies";
import { listNodes } from "./list-nodes";
import { listPods } from "./list-pods";
import { listServices } from "./list-services";
import { simulatorPerFile } from "./sim-env";

simulatorPerFile(["--scenario", "demo"]);

describe("browse lists on the demo scenario", () => {
  it("pages pods with limit/continue: every pod once, and the first page knows how many remain", async () => {
    const total = await countAllPods(DEMO.payments);
    const first = await listPods(DEMO.payments, { limit: 4 });
    expect(first.items).toHaveLength(4);
    expect(first.continue).toBeTruthy();
    expect(first.items.length + (first.remainingItemCount ?? NaN)).toBe(total);
    const seen = first.items.map((p) => `${p.namespace}/${p.name}`);
    let cont = first.continue;
    while (cont) {
      const page = await listPods(DEMO.payments, { limit: 4, continue: cont });
      seen.push(...page.items.map((p) => `${p.namespace}/${p.name}`));
      cont = page.continue;
    }
    expect(seen).toHaveLength(total);
    expect(new Set(seen).size).toBe(total);
  });

  it("filters pods on the server by namespace, label selector, node and phase", async () => {
    const frontend = await listPods(DEMO.payments, { namespace: "shop", labelSelector: "app=frontend" });
    expect(frontend.items).toHaveLength(3);
    expect(frontend.items.every((p) => p.labels.app === "frontend" && p.owner?.kind === "ReplicaSet")).toBe(true);

    const { node } = await findCompromisedPod();
    const onNode = await listPods(DEMO.payments, { fieldSelector: podFieldSelector({ node, phase: "Running" }) });
    expect(onNode.items.length).toBeGreaterThanOrEqual(4);
    expect(onNode.items.every((p) => p.node === node && p.phase === "Running")).toBe(true);
    expect(onNode.items.map((p) => p.name)).toContain("debug-shell");

    const notCheckout = await listPods(DEMO.payments, { namespace: "shop", labelSelector: "app notin (checkout),app" });
    expect(notCheckout.items.some((p) => p.labels.app === "checkout")).toBe(false);
  });

  it("shows which pods each Service selects, and none for ExternalName", async () => {
    const { items } = await listServices(DEMO.payments, { namespace: "shop" });
    const svc = Object.fromEntries(items.map((s) => [s.name, s]));
    expect(svc.checkout.selectedPods).toMatchObject({ count: 2, truncated: false });
    expect(svc.frontend).toMatchObject({ type: "LoadBalancer" });
    expect(svc.frontend.selectedPods?.count).toBe(3);
    expect(svc["payments-gateway"]).toMatchObject({ type: "ExternalName", selector: null, selectedPods: null });
  });

  it("shows which pods each NetworkPolicy selects", async () => {
    const { items } = await listNetworkPolicies(DEMO.payments, { namespace: "shop" });
    const np = items.find((n) => n.name === "allow-checkout-from-frontend")!;
    expect(np.podSelector).toBe("tier=backend");
    expect(np.selectedPods?.count).toBe(2);
    expect(np.selectedPods?.names.every((n) => n.startsWith("checkout-"))).toBe(true);
  });

  it("lists nodes with their VM, network tags, IPs and pod counts", async () => {
    const { items, computeError } = await listNodes(DEMO.payments, {});
    expect(computeError).toBeUndefined();
    expect(items).toHaveLength(3);
    for (const n of items) {
      expect(n).toMatchObject({ ready: true, cordoned: false, zone: "us-central1-a" });
      expect(n.instance).toEqual({ project: "acme-prod", zone: "us-central1-a", name: n.name });
      expect(n.tags?.some((t) => /^gke-payments-.*-node$/.test(t))).toBe(true);
      expect(n.internalIP).toMatch(/^10\./);
      expect(n.podCount).toBeGreaterThan(0);
    }
    const total = items.reduce((s, n) => s + (n.podCount ?? 0), 0);
    expect(total).toBe(await countAllPods(DEMO.payments));
  });

  it("turns an unknown cluster into a 404 before any call", async () => {
    await expect(listPods("no-such-context", {})).rejects.toMatchObject({ status: 404 });
  });
});
