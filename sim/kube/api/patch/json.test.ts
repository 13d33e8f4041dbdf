import { describe, expect, it } from "vitest";
import { applyJsonPatch } from "./json";

describe("JSON patch (RFC 6902)", () => {
  const doc = { metadata: { labels: { app: "web", "a/b": "x" } }, spec: { list: [1, 2, 3] } };

  it("applies add, remove, replace, move, copy and test in order", () => {
    const out = applyJsonPatch(doc, [
      { op: "test", path: "/metadata/labels/app", value: "web" },
      { op: "add", path: "/metadata/labels/quarantine", value: "true" },
      { op: "remove", path: "/metadata/labels/a~1b" },
      { op: "replace", path: "/spec/list/0", value: 9 },
      { op: "add", path: "/spec/list/-", value: 4 },
      { op: "copy", from: "/spec/list", path: "/spec/copy" },
      { op: "move", from: "/metadata/labels/app", path: "/metadata/labels/was" },
    ]);
    expect(out).toEqual({ metadata: { labels: { quarantine: "true", was: "web" } }, spec: { list: [9, 2, 3, 4], copy: [9, 2, 3, 4] } });
    expect(doc.metadata.labels.app).toBe("web");
  });

  it("fails the whole patch on a failed test or a missing path", () => {
    expect(() => applyJsonPatch(doc, [{ op: "test", path: "/metadata/labels/app", value: "db" }])).toThrowError(expect.objectContaining({ code: 422 }));
    expect(() => applyJsonPatch(doc, [{ op: "remove", path: "/metadata/annotations/x" }])).toThrowError(expect.objectContaining({ code: 422 }));
    expect(() => applyJsonPatch(doc, [{ op: "replace", path: "/spec/list/7", value: 1 }])).toThrowError(expect.objectContaining({ code: 422 }));
    expect(() => applyJsonPatch(doc, { op: "add" })).toThrowError(expect.objectContaining({ code: 400 }));
  });
});
