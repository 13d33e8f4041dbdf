import { expect, it } from "vitest";
import { openApiDocument } from "../document";

it("describes the lead's endpoints: timeline, audit verify, comments, review, evidence and report", () => {
  const paths = openApiDocument().paths as Record<string, Record<string, { responses?: Record<string, unknown> }>>;
  for (const p of [
    "/api/v1/timeline",
    "/api/v1/audit/verify",
    "/api/v1/incidents/{id}/evidence",
    "/api/v1/incidents/{id}/evidence/{artifactId}",
    "/api/v1/incidents/{id}/report",
  ]) {
    expect(paths[p]?.get, p).toBeDefined();
  }
  for (const p of ["/api/v1/incidents/{id}/comments", "/api/v1/incidents/{id}/review"]) expect(paths[p]?.post?.responses, p).toHaveProperty("201");
});
