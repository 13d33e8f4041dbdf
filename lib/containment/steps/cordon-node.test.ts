import { describe, expect, it } from "vitest";
import { cordonNode } from "./cordon-node";
import { Harness, openIncident, PAYMENTS, resetSim, shell } from "./support/testing";
import { useDemoSim } from "./support/testing-hooks";
import { kubeApis } from "@/lib/kube/clients";

const { sim } = useDemoSim();

const unschedulable = async (node: string) => (await kubeApis(PAYMENTS).core.readNode({ name: node })).spec?.unschedulable === true;

describe("cordon-node", () => {
  it("plans, cordons, verifies, is a no-op when repeated, and uncordons on undo", async () => {
    const h = new Harness(await openIncident());
    const node = h.incident.targets.node!;
    const plan = await h.plan(cordonNode);
    expect(plan.blocked).toBeUndefined();
    expect(plan.changes).toEqual([expect.objectContaining({ field: "spec.unschedulable", before: false, after: true })]);
    expect(plan.commands).toEqual([`kubectl --context ${PAYMENTS} cordon ${node}`]);
    expect(plan.dryRun?.ok).toBe(true);
    expect(await unschedulable(node)).toBe(false); // the dry run changed nothing

    const { result } = await h.execute(cordonNode);
    expect(result.outcome).toBe("success");
    expect(await unschedulable(node)).toBe(true);
    expect((await h.verify(cordonNode)).holds).toBe(true);

    const again = await h.plan(cordonNode);
    expect(again.noop).toBe(true);
    const repeat = await h.executePlan(cordonNode, again);
    expect(repeat.outcome).toBe("noop");

    const undone = await h.undo(cordonNode);
    expect(undone.outcome).toBe("success");
    expect(await unschedulable(node)).toBe(false);
    expect((await cordonNode.verify(h.ctx(cordonNode))).holds).toBe(false);
  });

  it("leaves a node cordoned before Airlock cordoned on undo", async () => {
    const h = new Harness(await openIncident());
    const node = h.incident.targets.node!;
    await shell(sim(), `kubectl --context ${PAYMENTS} cordon ${node}`);
    const { result } = await h.execute(cordonNode);
    expect(result.outcome).toBe("noop");
    expect((await h.undo(cordonNode)).outcome).toBe("noop");
    expect(await unschedulable(node)).toBe(true);
  });

  it("ends in the same node state as the playbook's kubectl cordon", async () => {
    const h = new Harness(await openIncident());
    const node = h.incident.targets.node!;
    await h.execute(cordonNode);
    const ours = (await kubeApis(PAYMENTS).core.readNode({ name: node })).spec;
    await resetSim(sim());
    await shell(sim(), `kubectl cordon ${node}`);
    const theirs = (await kubeApis(PAYMENTS).core.readNode({ name: node })).spec;
    expect(ours?.unschedulable).toBe(true);
    expect(theirs?.unschedulable).toBe(ours?.unschedulable);
    expect(theirs?.taints ?? []).toEqual(ours?.taints ?? []);
  });
});
