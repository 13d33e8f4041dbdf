import { afterEach, describe, expect, it } from "vitest";
import { testProject, type TestProject } from "../testing";

let t: TestProject;
afterEach(() => t?.world.stop());

describe("snapshots", () => {
  it("lists, inserts from a sourceDisk, gets and deletes", () => {
    t = testProject();
    expect(t.ok("GET", "global/snapshots").items).toBeUndefined();
    const op = t.ok("POST", "global/snapshots", { name: "ev-a", sourceDisk: `projects/acme-test/zones/us-central1-a/disks/${t.nodes[1].name}` });
    expect(op).toMatchObject({ operationType: "insert", targetLink: "https://www.googleapis.com/compute/v1/projects/acme-test/global/snapshots/ev-a" });
    expect(t.ok("GET", "global/snapshots").items.map((s: { name: string }) => s.name)).toEqual(["ev-a"]);
    t.ok("GET", `global/operations/${op.name}`);
    expect(t.ok("GET", "global/snapshots/ev-a").status).toBe("READY");
    expect(t.call("POST", "global/snapshots", { name: "ev-b" }).status).toBe(400);
    expect(t.call("POST", "global/snapshots", { name: "ev-b", sourceDisk: "zones/us-central1-a/disks/nope" }).status).toBe(404);
    t.ok("DELETE", "global/snapshots/ev-a");
    expect(t.call("GET", "global/snapshots/ev-a").status).toBe(404);
  });
});
