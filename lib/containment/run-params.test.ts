import { describe, expect, it } from "vitest";
import { safeParams } from "./run-params";

describe("safeParams", () => {
  it("reads a stored JSON object, and anything else as no params", () => {
    expect(safeParams('{"a":1}')).toEqual({ a: 1 });
    expect(safeParams(undefined)).toEqual({});
    expect(safeParams("")).toEqual({});
    expect(safeParams("not json")).toEqual({});
    expect(safeParams("null")).toEqual({});
    expect(safeParams("3")).toEqual({});
  });
});
