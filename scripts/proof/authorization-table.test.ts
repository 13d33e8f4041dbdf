import { expect, it } from "vitest";
import { CALLERS, expected } from "./authorization-table";

it("expects refusals for every caller without a usable credential, whatever the door's roles", () => {
  for (const who of ["anonymous", "revoked token", "expired token", "disabled user"] as const) {
    expect(expected(["analyst", "lead", "approver", "admin"], who, true)).toBe("refuse");
    expect(expected("ingest-door", who, false)).toBe("refuse");
    expect(expected("public", who, false)).toBe("allow");
  }
});

it("allows exactly the listed roles, and the ingest role only at the intake doors", () => {
  const verdicts = CALLERS.filter((c) => ["analyst", "lead", "approver", "admin", "ingest"].includes(c)).map((c) => [c, expected(["lead"], c, true)]);
  expect(Object.fromEntries(verdicts)).toEqual({ analyst: "refuse", lead: "allow", approver: "refuse", admin: "refuse", ingest: "refuse" });
  expect(expected("ingest-door", "ingest", false)).toBe("allow");
  expect(expected("ingest-door", "admin", false)).toBe("refuse");
  expect(expected("closed", "ingest", false)).toBe("refuse");
});

it("aims the wrong-incident caller only at doors that name an incident or approval", () => {
  expect(expected(["analyst"], "wrong-incident id", true)).toBe("refuse");
  expect(expected(["analyst"], "wrong-incident id", false)).toBe("n/a");
  expect(expected("public", "wrong-incident id", true)).toBe("n/a");
});
