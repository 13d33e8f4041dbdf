import { describe, expect, it } from "vitest";
import { openApiDocument } from "./document";

describe("openApiDocument", () => {
  it("describes every cluster endpoint and resolves every component reference", () => {
    const doc = openApiDocument();
    expect(doc.openapi).toBe("3.1.0");
    for (const p of [
      "/api/v1/clusters",
      "/api/v1/clusters/{cluster}",
      "/api/v1/clusters/{cluster}/nodes",
      "/api/v1/clusters/{cluster}/pods",
      "/api/v1/clusters/{cluster}/services",
      "/api/v1/clusters/{cluster}/networkpolicies",
      "/api/v1/clusters/{cluster}/pods/{namespace}/{name}",
      "/api/v1/clusters/{cluster}/nodes/{name}",
    ]) {
      expect(doc.paths[p]?.get, p).toBeDefined();
    }
    const refs = JSON.stringify(doc).match(/#\/components\/[a-zA-Z]+\/[A-Za-z]+/g) ?? [];
    for (const r of new Set(refs)) {
      const [, , section, name] = r.split("/");
      expect((doc.components as Record<string, Record<string, unknown>>)[section]?.[name], r).toBeDefined();
    }
  });

  it("refuses two fragments describing the same operation", () => {
    const f = { paths: { "/api/v1/x": { get: {} } } };
    expect(() => openApiDocument([f, f])).toThrow(/described twice/);
  });
});
