import { describe, expect, it } from "vitest";
import { containerClient } from "@/lib/gcp/clients";
import { kubeApis } from "@/lib/kube/clients";
import { protectNode } from "./protect-node";
import { SCALE_DOWN_DISABLED } from "./support/node-pool";
import { Harness, openIncident, PAYMENTS, resetSim, shell, simGet, simPost, simRequestSeq } from "./support/testing";
import { useDemoSim } from "./support/testing-hooks";

const { sim } = useDemoSim();
const POOL = "projects/acme-prod/locations/us-central1-a/clusters/payments/nodePools/default-pool";

const management = async () => {
  const [pool] = await containerClient().getNodePool({ name: POOL });
  return { autoRepair: pool.management?.autoRepair === true, autoUpgrade: pool.management?.autoUpgrade === true };
};
/** setManagement calls GKE accepted (2xx) since `seq`: a custom method, so each one is a write of its own. */
const acceptedSetManagement = async (since: number) => {
  const { items } = (await simGet(sim(), `/_sim/requests?since=${since}&writes=true`)) as { items: { method: string; path: string; status: number }[] };
  return items.filter((r) => r.method === "POST" && r.path.endsWith(":setManagement") && r.status < 300).length;
};
const annotation = async (node: string) => (await kubeApis(PAYMENTS).core.readNode({ name: node })).metadata?.annotations?.[SCALE_DOWN_DISABLED];

describe("protect-node", () => {
  it("names the threats, turns off repair and upgrade on the pool, annotates the node, verifies, repeats as a no-op and restores on undo", async () => {
    const h = new Harness(await openIncident());
    const node = h.incident.targets.node!;
    expect(await management()).toEqual({ autoRepair: true, autoUpgrade: true });

    const plan = await h.plan(protectNode);
    expect(plan.blocked).toBeUndefined();
    expect(plan.warnings.map((w) => w.code)).toEqual(expect.arrayContaining(["threat-auto-repair", "threat-autoscaling", "threat-auto-upgrade", "whole-pool"]));
    expect(plan.changes).toEqual([
      expect.objectContaining({ target: `Node ${node}`, field: `metadata.annotations.${SCALE_DOWN_DISABLED}`, before: null, after: "true" }),
      expect.objectContaining({
        target: "Node pool default-pool",
        field: "management",
        before: { autoRepair: true, autoUpgrade: true },
        after: { autoRepair: false, autoUpgrade: false },
      }),
    ]);
    expect(plan.dryRun?.ok).toBe(true);
    // Planning changed nothing.
    expect(await management()).toEqual({ autoRepair: true, autoUpgrade: true });
    expect(await annotation(node)).toBeUndefined();

    const { result } = await h.execute(protectNode);
    expect(result.outcome).toBe("success");
    expect(result.record).toMatchObject({ annotationBefore: null, pool: { path: POOL, autoRepair: true, autoUpgrade: true } });
    expect(await management()).toEqual({ autoRepair: false, autoUpgrade: false });
    expect(await annotation(node)).toBe("true");
    expect((await h.verify(protectNode)).holds).toBe(true);

    const again = await h.plan(protectNode);
    expect(again.noop).toBe(true);
    expect(again.warnings.map((w) => w.code)).not.toContain("threat-auto-repair");
    expect((await h.executePlan(protectNode, again)).outcome).toBe("noop");

    expect((await h.undo(protectNode)).outcome).toBe("success");
    expect(await management()).toEqual({ autoRepair: true, autoUpgrade: true });
    expect(await annotation(node)).toBeUndefined();
    expect((await h.verify(protectNode)).holds).toBe(false);
  });

  it("restores only what it changed: a pool with auto-upgrade already off keeps it off", async () => {
    const h = new Harness(await openIncident());
    await containerClient().setNodePoolManagement({ name: POOL, management: { autoRepair: true, autoUpgrade: false } });
    await h.execute(protectNode);
    expect(await management()).toEqual({ autoRepair: false, autoUpgrade: false });
    await h.undo(protectNode);
    expect(await management()).toEqual({ autoRepair: true, autoUpgrade: false });
  });

  it("after a failure that left the pool restored, a repeated undo re-reads the pool and does not send setManagement again", async () => {
    const h = new Harness(await openIncident());
    await h.execute(protectNode);
    // The setManagement lands, then the wait for its operation fails (as in the faults figure's seed 2).
    await simPost(sim(), "/_sim/faults", { path: "/operations/", method: "GET", rate: 1, status: 409, times: 1 });
    const since = await simRequestSeq(sim());
    await expect(h.undo(protectNode)).rejects.toMatchObject({ message: expect.stringMatching(/Restoring the management/) });
    expect(await management()).toEqual({ autoRepair: true, autoUpgrade: true });
    const again = await h.undo(protectNode);
    expect(again.outcome).toBe("success");
    expect(await management()).toEqual({ autoRepair: true, autoUpgrade: true });
    expect(await acceptedSetManagement(since)).toBe(1);
  });

  it("re-reads the pool before re-sending setManagement after a dropped answer, and sends it once when it did not land", async () => {
    const h = new Harness(await openIncident());
    await simPost(sim(), "/_sim/faults", { path: ":setManagement$", method: "POST", rate: 1, status: "drop", times: 1 });
    const since = await simRequestSeq(sim());
    expect((await h.execute(protectNode)).result.outcome).toBe("success");
    expect(await management()).toEqual({ autoRepair: false, autoUpgrade: false });
    expect(await acceptedSetManagement(since)).toBe(1);
  });

  it("sends abandoning to its own approval-gated step", async () => {
    const h = new Harness(await openIncident());
    expect((await h.plan(protectNode, { mode: "abandon" })).blocked).toMatch(/abandon-node-vm/);
    await expect(h.plan(protectNode, { mode: "delete" })).rejects.toMatchObject({ status: 400 });
  });

  it("leaves the node and pool as its pasted commands do", async () => {
    const h = new Harness(await openIncident());
    const node = h.incident.targets.node!;
    const plan = await h.plan(protectNode);
    expect(plan.commands).toHaveLength(2);
    await resetSim(sim());
    for (const c of plan.commands) await shell(sim(), c);
    expect(await management()).toEqual({ autoRepair: false, autoUpgrade: false });
    expect(await annotation(node)).toBe("true");
    expect((await h.verify(protectNode)).holds).toBe(true);
  });
});
