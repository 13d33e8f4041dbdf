import { describe, expect, it } from "vitest";
import { RESOURCE_TYPES } from "../resources";
import { hasStatusSubresource } from "./objects";
import { SUBRESOURCES, UPGRADE_SUBRESOURCES } from "./subresources";

describe("the subresource table", () => {
  it("serves every subresource discovery advertises", () => {
    const missing = RESOURCE_TYPES.flatMap((t) => (t.subresources ?? []).map((s) => `${t.key}/${s.name}`)).filter((k) => {
      const [sub, ...key] = k.split("/").reverse();
      return !SUBRESOURCES[key.reverse().join("/")]?.[sub];
    });
    expect(missing).toEqual([]);
  });

  it("has status exactly for the kinds whose main endpoint leaves status alone", () => {
    for (const t of RESOURCE_TYPES) expect([t.key, "status" in (SUBRESOURCES[t.key] ?? {})]).toEqual([t.key, hasStatusSubresource(t.key)]);
  });

  it("names only resources the simulator serves", () => {
    const known = new Set(RESOURCE_TYPES.map((t) => t.key));
    expect([...Object.keys(SUBRESOURCES), ...Object.keys(UPGRADE_SUBRESOURCES)].filter((k) => !known.has(k))).toEqual([]);
  });
});
