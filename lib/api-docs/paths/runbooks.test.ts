import { expect, it } from "vitest";
import { openApiDocument } from "../document";

it("describes the runbook endpoints with the stops execute answers", () => {
  const paths = openApiDocument().paths as Record<string, Record<string, { responses?: Record<string, unknown> }>>;
  expect(paths["/api/v1/incidents/{id}/runbooks/{runbook}"]?.get).toBeDefined();
  expect(paths["/api/v1/incidents/{id}/runbooks/{runbook}/plan"]?.post).toBeDefined();
  expect(Object.keys(paths["/api/v1/incidents/{id}/runbooks/{runbook}/execute"].post.responses!)).toEqual(
    expect.arrayContaining(["200", "400", "403", "409", "502"]),
  );
});
