import { expect, it } from "vitest";
import { canonicalJson } from "./canonical";

it("sorts keys at every depth and drops undefined members", () => {
  expect(canonicalJson({ b: 1, a: { d: [2, { z: 1, y: undefined }], c: null } })).toBe('{"a":{"c":null,"d":[2,{"z":1}]},"b":1}');
  expect(canonicalJson({ a: 1, b: 2 })).toBe(canonicalJson({ b: 2, a: 1 }));
});
