import { afterEach, describe, expect, it } from "vitest";
import { testProject, type TestProject } from "../testing";
import { startOperation } from "./operations";

let t: TestProject;
afterEach(() => t?.world.stop());

describe("operations", () => {
  it("reports RUNNING in the mutation's answer and DONE from the first get or wait", () => {
    t = testProject();
    let done = 0;
    const op = startOperation(t.world, { scope: { zone: "us-central1-a" }, operationType: "setTags", targetLink: "x", onDone: () => done++ });
    expect(op).toMatchObject({ kind: "compute#operation", status: "RUNNING", progress: 0 });
    expect(op.name).toMatch(/^operation-\d+-[0-9a-f]{13}-[0-9a-f]{8}-[0-9a-f]{8}$/);
    expect(op.selfLink).toBe(`https://www.googleapis.com/compute/v1/projects/acme-test/zones/us-central1-a/operations/${op.name}`);
    expect(op.insertTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}-08:00$/);
    const got = t.ok("GET", `zones/us-central1-a/operations/${op.name}`);
    expect(got).toMatchObject({ status: "DONE", progress: 100 });
    expect(got.endTime).toBeDefined();
    t.ok("POST", `zones/us-central1-a/operations/${op.name}/wait`);
    expect(done).toBe(1);
  });

  it("finishes on its own after simulated time, and 404s for unknown names", () => {
    t = testProject();
    const op = startOperation(t.world, { scope: { global: true }, operationType: "insert", targetLink: "x" });
    t.world.clock.advance(3);
    expect(t.world.gcp.operations.get(`global/${op.name}`)!.status).toBe("DONE");
    expect(t.call("GET", "global/operations/operation-nope").status).toBe(404);
    expect(t.call("GET", `zones/us-central1-a/operations/${op.name}`).status).toBe(404);
    expect(t.ok("GET", "global/operations").items.map((o: { name: string }) => o.name)).toEqual([op.name]);
  });
});
