import { describe, expect, it } from "vitest";
import { applyMergePatch } from "./merge";

describe("JSON merge patch (RFC 7386)", () => {
  it("merges objects, deletes with null and replaces arrays", () => {
    const doc = { metadata: { labels: { app: "web", run: "x" } }, spec: { ports: [{ port: 80 }, { port: 443 }], replicas: 2 } };
    const out = applyMergePatch(doc, { metadata: { labels: { run: null, quarantine: "true" } }, spec: { ports: [{ port: 8080 }] } });
    expect(out).toEqual({ metadata: { labels: { app: "web", quarantine: "true" } }, spec: { ports: [{ port: 8080 }], replicas: 2 } });
    expect(doc.metadata.labels.run).toBe("x");
  });

  it("follows the RFC's examples", () => {
    expect(applyMergePatch({ a: "b" }, { a: "c" })).toEqual({ a: "c" });
    expect(applyMergePatch({ a: "b" }, { b: "c" })).toEqual({ a: "b", b: "c" });
    expect(applyMergePatch({ a: "b" }, { a: null })).toEqual({});
    expect(applyMergePatch({ a: [{ b: "c" }] }, { a: [1] })).toEqual({ a: [1] });
    expect(applyMergePatch({ a: "foo" }, { a: { bb: { ccc: null } } })).toEqual({ a: { bb: {} } });
  });
});
