import { describe, expect, it } from "vitest";
import { computeClients } from "@/lib/gcp/clients";
import { abandonNodeVm } from "./abandon-node-vm";
import { Harness, openIncident, resetSim, shell } from "./support/testing";
import { useDemoSim } from "./support/testing-hooks";

const { sim } = useDemoSim();

async function membersOf(g: { project: string; zone: string; group: string }) {
  const [items] = await computeClients().instanceGroupManagers.listManagedInstances({ project: g.project, zone: g.zone, instanceGroupManager: g.group });
  return items.map((m) => (m.instance ?? "").split("/").pop());
}

describe("abandon-node-vm", () => {
  it("takes the VM out of its group (which keeps it running), verifies, and repeats as a no-op", async () => {
    const h = new Harness(await openIncident());
    const vm = h.incident.targets.instance!;
    const plan = await h.plan(abandonNodeVm);
    expect(plan.blocked).toBeUndefined();
    expect(plan.risk).toBe("destructive");
    expect(abandonNodeVm.undo).toBeUndefined();
    const g = plan.data as { project: string; zone: string; group: string; instance: string };
    expect(g.group).toMatch(/^gke-payments-default-pool-.*-grp$/);
    expect(plan.warnings.find((w) => w.code === "irreversible")?.message).toMatch(/delete it by hand \(gcloud compute instances delete/);
    expect(plan.commands[0]).toBe(
      `gcloud compute instance-groups managed abandon-instances ${g.group} --instances ${vm.name} --zone ${vm.zone} --project ${vm.project}`,
    );
    expect(await membersOf(g)).toContain(vm.name);
    expect((await h.verify(abandonNodeVm)).holds).toBe(false);

    const { result } = await h.execute(abandonNodeVm);
    expect(result.outcome).toBe("success");
    expect(await membersOf(g)).not.toContain(vm.name);
    const [still] = await computeClients().instances.get({ project: vm.project, zone: vm.zone, instance: vm.name });
    expect(still.status).toBe("RUNNING");
    expect((await h.verify(abandonNodeVm)).holds).toBe(true);

    const again = await h.plan(abandonNodeVm);
    expect(again.noop).toBe(true);
    expect((await h.executePlan(abandonNodeVm, again)).outcome).toBe("noop");
  });

  it("leaves the group as its pasted gcloud command does", async () => {
    const h = new Harness(await openIncident());
    const plan = await h.plan(abandonNodeVm);
    await resetSim(sim());
    await shell(sim(), plan.commands[0]);
    expect((await h.verify(abandonNodeVm)).holds).toBe(true);
  });
});
