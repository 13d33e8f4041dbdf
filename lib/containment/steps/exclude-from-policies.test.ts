import { describe, expect, it } from "vitest";
import { kubeApis } from "@/lib/kube/clients";
import { excludeFromPolicies } from "./exclude-from-policies";
import { labelQuarantine } from "./label-quarantine";
import { Harness, openIncident, PAYMENTS, resetSim, shell } from "./support/testing";
import { useDemoSim } from "./support/testing-hooks";

const { sim } = useDemoSim();
const POLICY = "allow-checkout-from-frontend";
const read = async () => (await kubeApis(PAYMENTS).networking.readNamespacedNetworkPolicy({ name: POLICY, namespace: "shop" })).spec?.podSelector;

describe("exclude-from-policies", () => {
  it("adds quarantine NotIn [true] to the allow policy, repeats as a no-op and restores on undo", async () => {
    const h = new Harness(await openIncident());
    const early = await h.plan(excludeFromPolicies);
    expect(early.blocked).toMatch(/label-quarantine/);
    expect(early.waitsFor).toBe("label-quarantine");
    await h.execute(labelQuarantine);
    const original = await read();
    const plan = await h.plan(excludeFromPolicies);
    // Planned as if labelled: the same plan once it is, so a runbook may seal it in advance.
    expect(plan.planHash).toBe(early.planHash);
    expect(plan.blocked).toBeUndefined();
    expect(plan.changes.map((c) => c.target)).toEqual([`NetworkPolicy shop/${POLICY}`]);
    expect(plan.dryRun?.ok).toBe(true);
    expect((await h.execute(excludeFromPolicies)).result.outcome).toBe("success");
    expect((await read())?.matchExpressions).toContainEqual({ key: "quarantine", operator: "NotIn", values: ["true"] });
    expect((await read())?.matchLabels).toEqual(original?.matchLabels);
    expect((await h.verify(excludeFromPolicies)).holds).toBe(true);
    const again = await h.plan(excludeFromPolicies);
    expect(again.noop).toBe(true);
    expect((await h.undo(excludeFromPolicies)).outcome).toBe("success");
    expect(await read()).toEqual(original);
  });

  it("gives the same selector as its kubectl patch command", async () => {
    const h = new Harness(await openIncident());
    await h.execute(labelQuarantine);
    const plan = await h.plan(excludeFromPolicies);
    await h.execute(excludeFromPolicies);
    const ours = await read();
    await resetSim(sim());
    for (const c of plan.commands) await shell(sim(), c);
    expect(await read()).toEqual(ours);
  });
});
