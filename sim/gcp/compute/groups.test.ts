import { describe, expect, it } from "vitest";
import { testProject } from "../testing";

describe("node pools as managed instance groups", () => {
  it("builds each node from its pool's zonal group and template", () => {
    const t = testProject();
    const pool = t.world.gcp.gkeClusters.get("us-central1-a/payments")!.nodePools[0];
    expect(pool.instanceGroupUrls).toHaveLength(1);
    const migName = String(pool.instanceGroupUrls[0]).split("/").pop()!;
    const mig = t.ok("GET", `zones/us-central1-a/instanceGroupManagers/${migName}`);
    expect(mig).toMatchObject({ kind: "compute#instanceGroupManager", targetSize: 2, name: migName });
    const template = t.ok("GET", `global/instanceTemplates/${String(mig.instanceTemplate).split("/").pop()}`);
    expect(template.properties.disks[0]).toMatchObject({ boot: true, autoDelete: true });
    // Instance names carry the group's base name, as GKE's do.
    for (const n of t.nodes) expect(n.name.startsWith(`${mig.baseInstanceName}-`)).toBe(true);
    const listed = t.ok("POST", `zones/us-central1-a/instanceGroupManagers/${migName}/listManagedInstances`);
    expect(listed.managedInstances.map((m: { name: string }) => m.name).sort()).toEqual(t.nodes.map((n) => n.name).sort());
    expect(listed.managedInstances[0]).toMatchObject({ instanceStatus: "RUNNING", currentAction: "NONE", version: { instanceTemplate: mig.instanceTemplate } });
    expect(t.ok("GET", "zones/us-central1-a/instanceGroupManagers").items).toHaveLength(1);
    expect(t.ok("GET", "global/instanceTemplates").items).toHaveLength(1);
  });

  it("abandons an instance: it keeps running outside the group, and a second abandon is refused", () => {
    const t = testProject();
    const migName = String(t.world.gcp.gkeClusters.get("us-central1-a/payments")!.nodePools[0].instanceGroupUrls[0]).split("/").pop()!;
    const victim = t.nodes[0].name;
    const op = t.ok("POST", `zones/us-central1-a/instanceGroupManagers/${migName}/abandonInstances`, {
      instances: [`zones/us-central1-a/instances/${victim}`],
    });
    expect(op).toMatchObject({ kind: "compute#operation", operationType: "compute.instanceGroupManagers.abandonInstances", status: "RUNNING" });
    expect(t.ok("GET", `zones/us-central1-a/operations/${op.name}`).status).toBe("DONE");
    const listed = t.ok("POST", `zones/us-central1-a/instanceGroupManagers/${migName}/listManagedInstances`);
    expect(listed.managedInstances.map((m: { name: string }) => m.name)).toEqual([t.nodes[1].name]);
    expect(t.ok("GET", `zones/us-central1-a/instanceGroupManagers/${migName}`).targetSize).toBe(1);
    expect(t.ok("GET", `zones/us-central1-a/instances/${victim}`).status).toBe("RUNNING");
    const again = t.call("POST", `zones/us-central1-a/instanceGroupManagers/${migName}/abandonInstances`, {
      instances: [`zones/us-central1-a/instances/${victim}`],
    });
    expect(again.status).toBe(400);
    expect(again.body.error.message).toContain("not a member");
    expect(t.call("POST", `zones/us-central1-a/instanceGroupManagers/${migName}/abandonInstances`, {}).status).toBe(400);
    expect(t.call("GET", "zones/us-central1-a/instanceGroupManagers/nope").status).toBe(404);
  });
});
