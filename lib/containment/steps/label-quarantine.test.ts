import { describe, expect, it } from "vitest";
import { kubeApis } from "@/lib/kube/clients";
import { labelQuarantine } from "./label-quarantine";
import { Harness, openIncident, PAYMENTS, resetSim, shell } from "./support/testing";
import { useDemoSim } from "./support/testing-hooks";

const { sim } = useDemoSim();
const labels = async (pod: string) => (await kubeApis(PAYMENTS).core.readNamespacedPod({ name: pod, namespace: "shop" })).metadata?.labels ?? {};

describe("label-quarantine", () => {
  it("plans, labels, verifies, repeats as a no-op and removes the label on undo", async () => {
    const h = new Harness(await openIncident());
    const pod = h.incident.targets.pod;
    const plan = await h.plan(labelQuarantine);
    expect(plan.changes[0]).toMatchObject({ field: "metadata.labels.quarantine", before: null, after: "true" });
    expect(plan.commands).toEqual([`kubectl --context ${PAYMENTS} -n shop label pods ${pod} quarantine=true`]);
    expect(plan.dryRun?.ok).toBe(true);
    expect((await labels(pod)).quarantine).toBeUndefined();
    expect((await h.execute(labelQuarantine)).result.outcome).toBe("success");
    expect((await labels(pod)).quarantine).toBe("true");
    expect((await h.verify(labelQuarantine)).holds).toBe(true);
    const again = await h.plan(labelQuarantine);
    expect(again.noop).toBe(true);
    expect((await h.executePlan(labelQuarantine, again)).outcome).toBe("noop");
    expect((await h.undo(labelQuarantine)).outcome).toBe("success");
    expect((await labels(pod)).quarantine).toBeUndefined();
  });

  it("leaves the pod labelled exactly as the playbook's kubectl label does", async () => {
    const h = new Harness(await openIncident());
    const pod = h.incident.targets.pod;
    await h.execute(labelQuarantine);
    const ours = await labels(pod);
    await resetSim(sim());
    await shell(sim(), `kubectl -n shop label pods ${pod} quarantine=true`);
    expect(await labels(pod)).toEqual(ours);
  });
});
