import { describe, expect, it } from "vitest";
import { queryBool } from "./query";

const q = (s: string) => new URLSearchParams(s);

describe("queryBool", () => {
  it("reads every spelling client libraries send as the API server does", () => {
    for (const v of ["1", "t", "T", "TRUE", "true", "True", "", "yes", "f"]) expect(queryBool(q(`watch=${v}`), "watch"), v).toBe(true);
    for (const v of ["0", "false", "False", "FALSE", "fAlSe"]) expect(queryBool(q(`watch=${v}`), "watch"), v).toBe(false);
    expect(queryBool(q("other=1"), "watch")).toBe(false);
    // The default applies only when the parameter is absent (pods/exec's stdout).
    expect(queryBool(q("other=1"), "stdout", true)).toBe(true);
    expect(queryBool(q("stdout=False"), "stdout", true)).toBe(false);
    expect(queryBool(q("stdout=True"), "stdout", true)).toBe(true);
  });

  it("takes the first of repeated values", () => {
    expect(queryBool(q("watch=0&watch=1"), "watch")).toBe(false);
    expect(queryBool(q("watch=1&watch=0"), "watch")).toBe(true);
  });
});
