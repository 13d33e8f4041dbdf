import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listEntries } from "@/lib/audit/append";
import { kubeApis } from "@/lib/kube/clients";
import type { Db } from "@/lib/store";
import type { SimProcess } from "@/sim/test/harness";
import { getIncident, listIncidents, openIncident } from "./incidents";
import { preflight } from "./preflight";
import { compromisedPod, simPost, startSim } from "./steps/support/testing";
import { caller, freshDb } from "./testing";

// Against the simulator process, reached exactly as production reaches GKE.
const PAYMENTS = "gke_acme-prod_us-central1-a_payments";
const STOREFRONT = "gke_acme-prod_us-central1_storefront";
const analyst = caller("analyst@demo.local", "analyst");

let sim: SimProcess;
let db: Db;
let close: () => Promise<void>;

/** storefront has no compromised pod: any checkout replica stands in for one. */
async function checkoutPod(cluster: string): Promise<string> {
  const pods = await kubeApis(cluster).core.listNamespacedPod({ namespace: "shop", labelSelector: "app=checkout" });
  return pods.items[0].metadata!.name!;
}

beforeAll(async () => {
  sim = await startSim();
  ({ db, close } = await freshDb());
});
afterAll(async () => {
  await close?.();
  await sim?.stop();
});

describe("openIncident on the demo's compromised pod", () => {
  it("resolves node, VM, network, owner chain, Services, policies and containers, and logs the opening", async () => {
    const pod = await compromisedPod(PAYMENTS);
    const inc = await openIncident(analyst, { cluster: PAYMENTS, namespace: "shop", pod, title: "Miner in checkout" });
    const t = inc.targets;
    const node = await kubeApis(PAYMENTS).core.readNode({ name: t.node! });
    expect(t.node).toMatch(/^gke-payments-default-pool-/);
    expect(t.instance).toEqual({ project: "acme-prod", zone: "us-central1-a", name: t.node });
    expect(node.spec?.providerID).toBe(`gce://acme-prod/us-central1-a/${t.node}`);
    expect(t.network).toBe("default");
    expect(t.ownerChain.map((o) => o.kind)).toEqual(["ReplicaSet", "Deployment"]);
    expect(t.ownerChain[1].name).toBe("checkout");
    expect(t.services).toEqual(["checkout"]);
    expect(t.networkPolicies).toEqual(["allow-checkout-from-frontend"]);
    expect(t.containers).toEqual(["checkout"]);
    expect(t.podUid).not.toBe("");

    expect(await getIncident(inc.id)).toEqual(inc);
    expect((await listIncidents()).map((i) => i.id)).toContain(inc.id);
    const [opened] = await listEntries(db, { incidentId: inc.id });
    expect(opened).toMatchObject({ kind: "incident-opened", actor: analyst.email });
    expect(opened.targets).toContainEqual({ kind: "Deployment", namespace: "shop", name: "checkout" });
  });

  it("answers 404 for a pod or cluster that does not exist", async () => {
    await expect(openIncident(analyst, { cluster: PAYMENTS, namespace: "shop", pod: "no-such-pod", title: "x".repeat(5) })).rejects.toMatchObject({
      status: 404,
    });
    await expect(openIncident(analyst, { cluster: "gke_nope_x_y", namespace: "shop", pod: "p", title: "x".repeat(5) })).rejects.toMatchObject({ status: 404 });
  });
});

describe("preflight", () => {
  it("on payments: enforced (Dataplane V2), names the ERRATA 3 trap, drain facts and auto-repair", async () => {
    const pod = await compromisedPod(PAYMENTS);
    const inc = await openIncident(analyst, { cluster: PAYMENTS, namespace: "shop", pod, title: "Miner in checkout" });
    const pf = await preflight(inc);
    expect(pf.enforcement.enforced).toBe(true);
    expect(pf.enforcement.reason).toMatch(/Dataplane V2/);
    expect(pf.defeatingPolicies).toEqual([{ name: "allow-checkout-from-frontend", directions: ["ingress"] }]);
    expect(pf.findings.map((f) => f.code)).toEqual(expect.arrayContaining(["defeating-policies", "auto-repair", "evidence-loss", "bare-pods"]));
    expect(pf.nodePods!.daemonSet.some((p) => p.startsWith("kube-system/fluentbit-gke-"))).toBe(true);
    expect(pf.nodePods!.emptyDir.some((p) => p.startsWith("shop/cache-"))).toBe(true);
    expect(pf.nodePods!.bare).toContain("shop/debug-shell");
    expect(pf.autoRepair).toBe(true);
    expect(pf.nodeThreats!.map((x) => x.id)).toEqual(["auto-repair", "autoscaling", "auto-upgrade"]);
    expect(pf.findings.find((f) => f.code === "node-threats")?.message).toMatch(/locked until protect-node/);
    const deny = pf.steps.find((s) => s.stepId === "apply-deny-all");
    expect(deny).toMatchObject({ ok: true });
    expect(pf.steps.length).toBeGreaterThan(10);
    expect(pf.kubePermissions.length).toBeGreaterThan(0);
    expect(pf.kubePermissions.every((k) => k.allowed)).toBe(true);
    expect(pf.gcpPermissions.find((g) => g.permission === "compute.instances.setTags")).toEqual({ permission: "compute.instances.setTags", granted: true });
    expect(pf.findings.filter((f) => f.code === "check-failed")).toEqual([]);
  });

  it("on storefront: not enforced, refuses policy steps and never offers to enable enforcement", async () => {
    const pod = await checkoutPod(STOREFRONT);
    const inc = await openIncident(analyst, { cluster: STOREFRONT, namespace: "shop", pod, title: "Checkout on storefront" });
    const pf = await preflight(inc);
    expect(pf.enforcement.enforced).toBe(false);
    const noEnf = pf.findings.find((f) => f.code === "no-enforcement")!;
    expect(noEnf.message).toMatch(/Do not enable it now/);
    const deny = pf.steps.find((s) => s.stepId === "apply-deny-all")!;
    expect(deny.ok).toBe(false);
    expect(deny.reasons.join(" ")).toMatch(/not enforced/);
    expect(pf.steps.find((s) => s.stepId === "cordon-node")).toMatchObject({ ok: true });
    // Storefront's pool does not autoscale: only repair and upgrade threaten its node.
    expect(pf.nodeThreats!.map((x) => x.id)).toEqual(["auto-repair", "auto-upgrade"]);
  });

  it("says before anyone clicks when Airlock's own identity may not do a step", async () => {
    const pod = await compromisedPod(PAYMENTS);
    const inc = await openIncident(analyst, { cluster: PAYMENTS, namespace: "shop", pod, title: "Miner in checkout" });
    await simPost(sim, "/_sim/access-denials", { cluster: "payments", verb: "patch", resource: "nodes" });
    await simPost(sim, "/_sim/iam-denials", { permissions: ["compute.instances.setTags"] });
    try {
      const pf = await preflight(inc);
      const cordon = pf.steps.find((s) => s.stepId === "cordon-node")!;
      expect(cordon.ok).toBe(false);
      expect(cordon.reasons.join(" ")).toMatch(/may not patch nodes/);
      const tag = pf.steps.find((s) => s.stepId === "tag-node")!;
      expect(tag.ok).toBe(false);
      expect(tag.reasons.join(" ")).toMatch(/compute\.instances\.setTags/);
      expect(pf.steps.find((s) => s.stepId === "label-quarantine")).toMatchObject({ ok: true });
    } finally {
      await fetch(`${sim.base}/_sim/access-denials`, { method: "DELETE" });
      await fetch(`${sim.base}/_sim/iam-denials`, { method: "DELETE" });
    }
  });
});
