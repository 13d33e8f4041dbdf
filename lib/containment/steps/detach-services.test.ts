import { describe, expect, it } from "vitest";
import { kubeApis } from "@/lib/kube/clients";
import { detachServices } from "./detach-services";
import { orphanPod } from "./orphan-pod";
import { Harness, openIncident, PAYMENTS } from "./support/testing";
import { useDemoSim } from "./support/testing-hooks";

useDemoSim();
const svc = (name: string) => kubeApis(PAYMENTS).core.readNamespacedService({ name, namespace: "shop" });

describe("detach-services", () => {
  it("blocks patch mode while the Service still selects the pod, and is a no-op after orphan-pod", async () => {
    const h = new Harness(await openIncident());
    expect(h.incident.targets.services).toContain("checkout");
    const blocked = await h.plan(detachServices);
    expect(blocked.blocked).toMatch(/orphan-pod/);
    expect(blocked.risk).toBe("disruptive");
    expect(blocked.riskReasons).toBeUndefined();
    expect(JSON.stringify(blocked)).not.toMatch(/"kubernetes"/);
    await h.execute(orphanPod);
    const after = await h.plan(detachServices);
    expect(after.blocked).toBeUndefined();
    expect(after.noop).toBe(true);
    expect((await h.verify(detachServices)).holds).toBe(true);
  });

  it("deletes in delete mode with the manifest recorded, and recreates it on undo", async () => {
    const h = new Harness(await openIncident());
    const before = await svc("checkout");
    const params = { mode: { checkout: "delete" } };
    const plan = await h.plan(detachServices, params);
    expect(plan.commands).toEqual([`kubectl --context ${PAYMENTS} -n shop delete service checkout`]);
    expect(plan.dryRun?.ok).toBe(true);
    expect(plan.changes[0].note).toMatch(/ClusterIP/);
    // Deleting a Service is destructive (approval), with the reason shown; patch mode stays disruptive.
    expect(plan.risk).toBe("destructive");
    expect(plan.riskReasons).toEqual([expect.stringMatching(/Deletes Service checkout/)]);
    const { result } = await h.execute(detachServices, params);
    expect(result.outcome).toBe("success");
    await expect(svc("checkout")).rejects.toBeDefined();
    expect((await h.verify(detachServices)).holds).toBe(true);
    expect((await h.executePlan(detachServices, plan, params)).outcome).toBe("noop");
    expect((await h.undo(detachServices)).outcome).toBe("success");
    const back = await svc("checkout");
    expect(back.spec?.selector).toEqual(before.spec?.selector);
    expect(back.spec?.ports?.map((p) => p.port)).toEqual(before.spec?.ports?.map((p) => p.port));
  });
});
