import { expect, it } from "vitest";
import { openApiDocument } from "../document";

it("describes every approvals endpoint with its refusals", () => {
  const doc = openApiDocument();
  const paths = doc.paths as Record<string, Record<string, { responses?: Record<string, unknown> }>>;
  const request = paths["/api/v1/incidents/{id}/steps/{stepId}/approvals"];
  expect(Object.keys(request?.post?.responses ?? {})).toEqual(expect.arrayContaining(["201", "400", "403", "409"]));
  expect(request?.get).toBeDefined();
  expect(paths["/api/v1/approvals"]?.get).toBeDefined();
  expect(paths["/api/v1/approvals/{approvalId}"]?.get).toBeDefined();
  for (const verb of ["approve", "reject"]) {
    expect(Object.keys(paths[`/api/v1/approvals/{approvalId}/${verb}`]?.post?.responses ?? {}), verb).toEqual(expect.arrayContaining(["200", "403", "409"]));
  }
  expect((doc.components as { schemas: Record<string, unknown> }).schemas).toHaveProperty("Approval");
});
