import { afterEach, describe, expect, it } from "vitest";
import { testProject, type TestProject } from "../testing";
import { dispatchCompute } from "./router";

let t: TestProject;
afterEach(() => t?.world.stop());

describe("compute router", () => {
  it("answers another project with 404, and bad JSON with 400 parseError", () => {
    t = testProject();
    const other = dispatchCompute(t.world, "GET", "/compute/v1/projects/someone-else/global/firewalls", new URLSearchParams(), "");
    expect(other).toMatchObject({ status: 404, body: { error: { message: "The resource 'projects/someone-else' was not found" } } });
    const bad = dispatchCompute(t.world, "POST", `/compute/v1/projects/${t.project}/global/firewalls`, new URLSearchParams(), "{nope");
    expect(bad).toMatchObject({ status: 400, body: { error: { errors: [{ reason: "parseError" }] } } });
  });

  it("accepts the project number for the project id, and trailing slashes", () => {
    t = testProject();
    expect(dispatchCompute(t.world, "GET", `/compute/v1/projects/${t.world.gcp.projectNumber}/global/networks/`, new URLSearchParams(), "").status).toBe(200);
  });

  it("treats a non-object body as empty, as google-gax sends for operations.wait", () => {
    t = testProject();
    const op = t.ok("POST", "global/firewalls", { name: "x", denied: [{ IPProtocol: "all" }] });
    expect(dispatchCompute(t.world, "POST", `/compute/v1/projects/${t.project}/global/operations/${op.name}/wait`, new URLSearchParams(), '""').status).toBe(
      200,
    );
  });
});
