import { describe, expect, it } from "vitest";
import { computeClients } from "@/lib/gcp/clients";
import { removeExternalIp } from "./remove-external-ip";
import { Harness, openIncident, resetSim, shell } from "./support/testing";
import { useDemoSim } from "./support/testing-hooks";

const { sim } = useDemoSim();

async function accessConfigs(ref: { project: string; zone: string; name: string }) {
  const [vm] = await computeClients().instances.get({ project: ref.project, zone: ref.zone, instance: ref.name });
  return (vm.networkInterfaces?.[0]?.accessConfigs ?? []).map((a) => ({ name: a.name, natIP: a.natIP, networkTier: a.networkTier }));
}

describe("remove-external-ip", () => {
  it("warns NOT RECOMMENDED, removes and records the access config, and adds one back on undo", async () => {
    const h = new Harness(await openIncident());
    const ref = h.incident.targets.instance!;
    const [before] = await accessConfigs(ref);
    const plan = await h.plan(removeExternalIp);
    expect(plan.warnings.map((w) => w.code)).toEqual(expect.arrayContaining(["not-recommended", "self-heal"]));
    expect(plan.warnings[0].message).toMatch(/NOT RECOMMENDED/);
    expect(plan.commands[1]).toContain(`--access-config-name ${before.name}`);
    const { result } = await h.execute(removeExternalIp);
    expect(result.outcome).toBe("success");
    expect(result.record?.accessConfig).toMatchObject({ name: before.name, natIP: before.natIP });
    expect(await accessConfigs(ref)).toEqual([]);
    expect((await h.verify(removeExternalIp)).holds).toBe(true);
    expect((await h.plan(removeExternalIp)).noop).toBe(true);
    const undo = await h.undo(removeExternalIp);
    expect(undo.outcome).toBe("success");
    expect(undo.message).toMatch(/external IP is now/);
    expect((await accessConfigs(ref)).map((a) => a.name)).toEqual([before.name]);
  });

  it("leaves the same access configs as the playbook's gcloud delete-access-config", async () => {
    const h = new Harness(await openIncident());
    const ref = h.incident.targets.instance!;
    const [before] = await accessConfigs(ref);
    await h.execute(removeExternalIp);
    const ours = await accessConfigs(ref);
    await resetSim(sim());
    await shell(sim(), `gcloud compute instances delete-access-config ${ref.name} --zone ${ref.zone} --access-config-name '${before.name}'`);
    expect(await accessConfigs(ref)).toEqual(ours);
  });
});
