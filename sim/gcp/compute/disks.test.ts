import { afterEach, describe, expect, it } from "vitest";
import { testProject, type TestProject } from "../testing";

let t: TestProject;
afterEach(() => t?.world.stop());

describe("disks and createSnapshot", () => {
  it("serves the boot disk of every node", () => {
    t = testProject();
    const disk = t.ok("GET", `zones/us-central1-a/disks/${t.nodes[0].name}`);
    expect(disk).toMatchObject({ kind: "compute#disk", status: "READY", sizeGb: "100" });
    expect(t.ok("GET", "zones/us-central1-a/disks").items).toHaveLength(2);
    expect(t.call("GET", "zones/us-central1-a/disks/nope").status).toBe(404);
  });

  it("creates a snapshot that is CREATING until its operation completes, then READY", () => {
    t = testProject();
    const disk = t.ok("GET", `zones/us-central1-a/disks/${t.nodes[0].name}`);
    const op = t.ok("POST", `zones/us-central1-a/disks/${t.nodes[0].name}/createSnapshot`, { name: "evidence-1", description: "incident 42" });
    expect(op).toMatchObject({ operationType: "createSnapshot", status: "RUNNING", targetLink: disk.selfLink, targetId: disk.id });
    const creating = t.ok("GET", "global/snapshots/evidence-1");
    expect(creating).toMatchObject({
      kind: "compute#snapshot",
      status: "CREATING",
      sourceDisk: disk.selfLink,
      sourceDiskId: disk.id,
      diskSizeGb: "100",
      description: "incident 42",
    });
    expect(t.ok("POST", `zones/us-central1-a/operations/${op.name}/wait`).status).toBe("DONE");
    const ready = t.ok("GET", "global/snapshots/evidence-1");
    expect(ready.status).toBe("READY");
    expect(Number(ready.storageBytes)).toBeGreaterThan(0);
  });

  it("becomes READY on its own once simulated time passes, for clients that never poll", () => {
    t = testProject();
    t.ok("POST", `zones/us-central1-a/disks/${t.nodes[0].name}/createSnapshot`, { name: "evidence-2" });
    t.world.clock.advance(5);
    expect(t.ok("GET", "global/snapshots/evidence-2").status).toBe("READY");
  });

  it("refuses a taken or invalid snapshot name", () => {
    t = testProject();
    const path = `zones/us-central1-a/disks/${t.nodes[0].name}/createSnapshot`;
    t.ok("POST", path, { name: "evidence-1" });
    expect(t.call("POST", path, { name: "evidence-1" })).toMatchObject({
      status: 409,
      body: { error: { message: "The resource 'projects/acme-test/global/snapshots/evidence-1' already exists" } },
    });
    expect(t.call("POST", path, { name: "Evidence 1" }).status).toBe(400);
    expect(t.call("POST", path, {}).body.error.errors[0].reason).toBe("required");
  });
});
