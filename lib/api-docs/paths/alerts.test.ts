import { expect, it } from "vitest";
import { openApiDocument } from "../document";

it("documents the three alert intakes with their own credentials, and the generic schema from its zod source", () => {
  const doc = openApiDocument() as {
    paths: Record<string, Record<string, { security?: unknown[]; responses?: Record<string, unknown> }>>;
    components: { schemas: Record<string, { properties?: Record<string, unknown>; required?: string[] }> };
  };
  expect(doc.paths["/api/v1/alerts/falco"].post.security).toEqual([{ ingestSecret: [] }, { bearerToken: [] }]);
  expect(doc.paths["/api/v1/alerts/scc"].post.security).toEqual([{ googleOidc: [] }]);
  expect(doc.paths["/api/v1/alerts"].post.responses).toHaveProperty("409");
  expect(doc.paths["/api/v1/alerts"].get).toBeDefined();
  expect(doc.components.schemas.GenericAlert.required).toEqual(expect.arrayContaining(["id", "cluster", "namespace", "pod", "rule", "severity", "eventTime"]));
  expect(Object.keys(doc.components.schemas.FalcoPayload.properties ?? {})).toEqual(
    expect.arrayContaining(["uuid", "output", "priority", "rule", "time", "output_fields", "source", "tags", "hostname"]),
  );
});
