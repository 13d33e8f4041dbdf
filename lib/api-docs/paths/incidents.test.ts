import { expect, it } from "vitest";
import { openApiDocument } from "../document";

it("describes every incident endpoint, with the execute refusals", () => {
  const doc = openApiDocument();
  const paths = doc.paths as Record<string, Record<string, { responses?: Record<string, unknown> }>>;
  expect(paths["/api/v1/incidents"]?.get).toBeDefined();
  expect(paths["/api/v1/incidents"]?.post?.responses).toHaveProperty("201");
  for (const p of [
    "/api/v1/incidents/{id}",
    "/api/v1/incidents/{id}/timeline",
    "/api/v1/incidents/{id}/release",
    "/api/v1/incidents/{id}/steps/{stepId}/progress",
  ]) {
    expect(paths[p]?.get, p).toBeDefined();
  }
  for (const op of ["plan", "execute", "undo"]) expect(paths[`/api/v1/incidents/{id}/steps/{stepId}/${op}`]?.post, op).toBeDefined();
  expect(Object.keys(paths["/api/v1/incidents/{id}/steps/{stepId}/execute"].post.responses!)).toEqual(expect.arrayContaining(["200", "400", "403", "409"]));
});
