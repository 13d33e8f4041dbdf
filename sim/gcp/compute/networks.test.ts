import { afterEach, describe, expect, it } from "vitest";
import { testProject, type TestProject } from "../testing";

let t: TestProject;
afterEach(() => t?.world.stop());

describe("networks, subnetworks, zones", () => {
  it("serves the default network and its subnetwork", () => {
    t = testProject();
    expect(t.ok("GET", "global/networks").items.map((n: { name: string }) => n.name)).toEqual(["default"]);
    expect(t.ok("GET", "global/networks/default")).toMatchObject({ kind: "compute#network", autoCreateSubnetworks: true });
    expect(t.call("GET", "global/networks/nope").status).toBe(404);
    expect(t.ok("GET", "regions/us-central1/subnetworks/default")).toMatchObject({ ipCidrRange: "10.128.0.0/20" });
    expect(t.call("GET", "regions/mars-1/subnetworks").status).toBe(400);
  });

  it("serves zones and regions, the project, and 404/405 for unknown paths and verbs", () => {
    t = testProject();
    expect(t.ok("GET", "zones/us-central1-a")).toMatchObject({ kind: "compute#zone", status: "UP" });
    expect(t.ok("GET", "regions/us-central1").zones).toContain("https://www.googleapis.com/compute/v1/projects/acme-test/zones/us-central1-a");
    expect(t.ok("GET", "")).toMatchObject({ kind: "compute#project", name: "acme-test" });
    expect(t.call("GET", "global/nothing").status).toBe(404);
    expect(t.call("DELETE", "global/networks/default").status).toBe(405);
  });
});
