import { expect, it } from "vitest";
import { formatRoles, hasRole, isIngestOnly, meetsRequirement, parseRoles } from "./roles";

it("lets a lead do what an analyst can, and nothing more", () => {
  const lead = { roles: ["lead" as const] };
  expect(hasRole(lead, "lead")).toBe(true);
  expect(hasRole(lead, "analyst")).toBe(true);
  expect(hasRole(lead, "approver")).toBe(false);
  expect(hasRole(lead, "admin")).toBe(false);
  expect(hasRole({ roles: ["analyst"] }, "lead")).toBe(false);
  expect(hasRole({ roles: ["admin"] }, "approver")).toBe(false);
  expect(hasRole(null, "analyst")).toBe(false);
});

it("checks requirements: one role, any of several, or just signed in", () => {
  const approver = { roles: ["approver" as const] };
  expect(meetsRequirement(approver, "approver")).toBe(true);
  expect(meetsRequirement(approver, ["lead", "approver"])).toBe(true);
  expect(meetsRequirement(approver, ["lead", "analyst"])).toBe(false);
  expect(meetsRequirement(approver, "authenticated")).toBe(true);
  expect(meetsRequirement({ roles: [] }, "authenticated")).toBe(true);
  expect(meetsRequirement(null, "authenticated")).toBe(false);
});

it("parses comma text or JSON, dropping unknown roles and duplicates", () => {
  expect(parseRoles("analyst, lead,root,lead")).toEqual(["analyst", "lead"]);
  expect(parseRoles('["approver","x"]')).toEqual(["approver"]);
  expect(parseRoles("")).toEqual([]);
  expect(parseRoles(null)).toEqual([]);
  expect(formatRoles(["lead", "analyst", "lead"])).toBe("lead,analyst");
});

it("gives the ingest role nothing but itself: not even 'signed in'", () => {
  const ingest = { roles: ["ingest" as const] };
  expect(isIngestOnly(ingest)).toBe(true);
  expect(meetsRequirement(ingest, "ingest")).toBe(true);
  expect(meetsRequirement(ingest, "authenticated")).toBe(false);
  for (const r of ["analyst", "lead", "approver", "admin"] as const) expect(hasRole(ingest, r)).toBe(false);
  // A person who also holds ingest keeps what their other roles give.
  expect(meetsRequirement({ roles: ["analyst", "ingest"] }, "authenticated")).toBe(true);
  expect(hasRole({ roles: ["admin"] }, "ingest")).toBe(false);
});
