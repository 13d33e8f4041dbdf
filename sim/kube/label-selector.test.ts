import { describe, expect, it } from "vitest";
import { selectorMatches } from "./controllers/labels";
import { labelSelectorMatches, mapSelectorMatches } from "./label-selector";
import { matchesLabelSelector } from "./netpol/selectors";

const pod = { app: "checkout", tier: "web" };

describe("structured label selectors", () => {
  it("selects everything when empty and needs every matchLabels pair, compared strictly", () => {
    expect(labelSelectorMatches({}, pod)).toBe(true);
    expect(labelSelectorMatches({}, undefined)).toBe(true);
    expect(labelSelectorMatches({ matchLabels: { app: "checkout", tier: "web" } }, pod)).toBe(true);
    expect(labelSelectorMatches({ matchLabels: { app: "checkout", tier: "db" } }, pod)).toBe(false);
    // ERRATA 1: a YAML boolean that slipped past validation does not match the string "true".
    expect(labelSelectorMatches({ matchLabels: { quarantine: true as unknown as string } }, { quarantine: "true" })).toBe(false);
  });

  it("reads every operator and selects nothing for one the API server rejects", () => {
    expect(labelSelectorMatches({ matchExpressions: [{ key: "app", operator: "In", values: ["cart", "checkout"] }] }, pod)).toBe(true);
    expect(labelSelectorMatches({ matchExpressions: [{ key: "quarantine", operator: "In", values: ["true"] }] }, pod)).toBe(false);
    expect(labelSelectorMatches({ matchExpressions: [{ key: "quarantine", operator: "NotIn", values: ["true"] }] }, pod)).toBe(true);
    expect(labelSelectorMatches({ matchExpressions: [{ key: "quarantine", operator: "NotIn", values: ["true"] }] }, { ...pod, quarantine: "true" })).toBe(
      false,
    );
    expect(labelSelectorMatches({ matchExpressions: [{ key: "tier", operator: "Exists" }] }, pod)).toBe(true);
    expect(labelSelectorMatches({ matchExpressions: [{ key: "tier", operator: "DoesNotExist" }] }, pod)).toBe(false);
    expect(labelSelectorMatches({ matchExpressions: [{ key: "tier", operator: "Gt", values: ["1"] }] }, pod)).toBe(false);
    expect(labelSelectorMatches({ matchExpressions: [{ key: "tier", operator: "toString" }] }, pod)).toBe(false);
  });

  it("leaves a missing selector to the caller: everything for a NetworkPolicy peer, nothing for a controller", () => {
    expect(matchesLabelSelector(undefined, pod)).toBe(true);
    expect(selectorMatches(undefined, pod)).toBe(false);
    expect(selectorMatches({}, pod)).toBe(true);
  });

  it("treats a Service's empty or missing map selector as selecting nothing", () => {
    expect(mapSelectorMatches({ app: "checkout" }, pod)).toBe(true);
    expect(mapSelectorMatches({ app: "cart" }, pod)).toBe(false);
    expect(mapSelectorMatches({}, pod)).toBe(false);
    expect(mapSelectorMatches(undefined, pod)).toBe(false);
  });
});
