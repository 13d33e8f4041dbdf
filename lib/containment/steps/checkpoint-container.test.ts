import { describe, expect, it } from "vitest";
import { kubeApis } from "@/lib/kube/clients";
import { checkpointContainer } from "./checkpoint-container";
import { Harness, openIncident, PAYMENTS, shell, simWritesSince, simRequestSeq } from "./support/testing";
import { useDemoSim } from "./support/testing-hooks";

const { sim } = useDemoSim();
const STOREFRONT = "gke_acme-prod_us-central1_storefront";

describe("checkpoint-container", () => {
  it("plans after reading the kubelet's configuration (no write), checkpoints through the node proxy and records where the archive lands", async () => {
    const h = new Harness(await openIncident());
    const t = h.incident.targets;
    const since = await simRequestSeq(sim());
    const plan = await h.plan(checkpointContainer);
    expect(await simWritesSince(sim(), since)).toEqual([]);
    expect(plan.blocked).toBeUndefined();
    expect(plan.changes[0]).toMatchObject({ target: `Node ${t.node} (kubelet)`, action: "snapshot" });
    expect(plan.warnings.map((w) => w.code)).toContain("archive-on-node");
    const { result } = await h.execute(checkpointContainer);
    expect(result.outcome).toBe("success");
    const rec = result.record as { node: string; archives: string[] };
    expect(rec.node).toBe(t.node);
    expect(rec.archives[0]).toMatch(new RegExp(`^/var/lib/kubelet/checkpoints/checkpoint-${t.pod}_shop-checkout-.+\\.tar$`));
    expect(result.message).toContain(rec.archives[0]);
    const v = await h.verify(checkpointContainer);
    expect(v).toMatchObject({ holds: true, message: expect.stringContaining(rec.archives[0]) });
    // The pasted command does the same through kubectl.
    const pasted = await shell(sim(), plan.commands[1].replace("/api/v1/", "/clusters/payments/api/v1/"));
    expect(JSON.parse(pasted.stdout).items[0]).toMatch(/^\/var\/lib\/kubelet\/checkpoints\//);
  });

  it("is blocked where the kubelet has the feature off (storefront), with the reason", async () => {
    const pods = await kubeApis(STOREFRONT).core.listNamespacedPod({ namespace: "shop", labelSelector: "app=checkout" });
    const h = new Harness(await openIncident(STOREFRONT, "shop", pods.items[0].metadata!.name!));
    const plan = await h.plan(checkpointContainer);
    expect(plan.blocked).toMatch(/ContainerCheckpoint feature gate off/);
    expect((await h.verify(checkpointContainer)).holds).toBe(false);
  });

  it("records that the kubelet lacks the feature when it answers 404 at execute", async () => {
    const pods = await kubeApis(STOREFRONT).core.listNamespacedPod({ namespace: "shop", labelSelector: "app=checkout" });
    const h = new Harness(await openIncident(STOREFRONT, "shop", pods.items[0].metadata!.name!));
    const plan = { ...(await h.plan(checkpointContainer)), blocked: undefined, data: { node: h.incident.targets.node!, target: "checkout" } };
    await expect(h.executePlan(checkpointContainer, plan)).rejects.toMatchObject({
      status: 409,
      message: expect.stringContaining("lacks the checkpoint feature"),
    });
  });

  it("verify fails when the node was recreated under the same name", async () => {
    const h = new Harness(await openIncident());
    await h.execute(checkpointContainer);
    const core = kubeApis(PAYMENTS).core;
    const old = await core.readNode({ name: h.incident.targets.node! });
    await core.deleteNode({ name: old.metadata!.name! });
    await core.createNode({ body: { metadata: { name: old.metadata!.name!, labels: old.metadata?.labels }, spec: old.spec } });
    const v = await h.verify(checkpointContainer);
    expect(v.holds).toBe(false);
    expect(v.message).toMatch(/was recreated/);
  });

  it("answers a kubelet reply that is not JSON with a readable 502", async () => {
    const h = new Harness(await openIncident());
    const plan = await h.plan(checkpointContainer);
    const core = kubeApis(PAYMENTS).core;
    const original = core.connectPostNodeProxyWithPath.bind(core);
    core.connectPostNodeProxyWithPath = (async () => "<html>bad gateway</html>") as typeof core.connectPostNodeProxyWithPath;
    try {
      await expect(h.executePlan(checkpointContainer, plan)).rejects.toMatchObject({
        status: 502,
        message: expect.stringContaining("without naming an archive"),
      });
    } finally {
      core.connectPostNodeProxyWithPath = original;
    }
  });

  it("verify fails once the node is gone", async () => {
    const h = new Harness(await openIncident());
    await h.execute(checkpointContainer);
    await kubeApis(PAYMENTS).core.deleteNode({ name: h.incident.targets.node! });
    expect((await h.verify(checkpointContainer)).holds).toBe(false);
  });
});
