import { describe, expect, it } from "vitest";
import {
  fieldSelectorProblem,
  labelSelectorMatches,
  labelSelectorProblem,
  labelSelectorToString,
  serviceSelects,
} from "./selectors";

const pod = { app: "checkout", tier: "backend", "pod-template-hash": "7d9f" };

describe("serviceSelects", () => {
  it("needs every pair and selects nothing with an empty selector", () => {
    expect(serviceSelects({ app: "checkout" }, pod)).toBe(true);
    expect(serviceSelects({ app: "checkout", tier: "frontend" }, pod)).toBe(false);
    expect(serviceSelects({}, pod)).toBe(false);
    expect(serviceSelects(undefined, pod)).toBe(false);
  });
});

describe("labelSelectorMatches", () => {
  it("selects every pod with an empty podSelector", () => {
    expect(labelSelectorMatches({}, pod)).toBe(true);
  });

  it("applies matchLabels and each operator", () => {
    expect(labelSelectorMatches({ matchLabels: { app: "checkout" } }, pod)).toBe(true);
    expect(labelSelectorMatches({ matchExpressions: [{ key: "app", operator: "In", values: ["cart", "checkout"] }] }, pod)).toBe(true);
    expect(labelSelectorMatches({ matchExpressions: [{ key: "quarantine", operator: "NotIn", values: ["true"] }] }, pod)).toBe(true);
    expect(labelSelectorMatches({ matchExpressions: [{ key: "quarantine", operator: "NotIn", values: ["true"] }] }, { ...pod, quarantine: "true" })).toBe(false);
    expect(labelSelectorMatches({ matchExpressions: [{ key: "tier", operator: "Exists" }] }, pod)).toBe(true);
    expect(labelSelectorMatches({ matchExpressions: [{ key: "tier", operator: "DoesNotExist" }] }, pod)).toBe(false);
    expect(labelSelectorMatches({ matchExpressions: [{ key: "tier", operator: "Bogus" }] }, pod)).toBe(false);
  });

  it("renders selectors the API server can filter with", () => {
    expect(
      labelSelectorToString({
        matchLabels: { app: "checkout" },
        matchExpressions: [
          { key: "quarantine", operator: "NotIn", values: ["true"] },
          { key: "tier", operator: "Exists" },
        ],
      }),
    ).toBe("app=checkout,quarantine notin (true),tier");
  });
});

describe("selector syntax", () => {
  it("accepts the forms kubectl accepts", () => {
    for (const s of ["", "app=checkout", "app==x,tier!=db", "env in (prod, staging)", "quarantine notin (true)", "app", "!quarantine", "app.kubernetes.io/name=cart"]) {
      expect(labelSelectorProblem(s), s).toBeNull();
    }
  });

  it("rejects malformed label selectors with a reason", () => {
    for (const s of ["=x", "app in (a", "a b c", "app=x,,tier=y", "app=has space", "-bad=x"]) {
      expect(labelSelectorProblem(s), s).not.toBeNull();
    }
  });

  it("checks field selectors", () => {
    expect(fieldSelectorProblem("spec.nodeName=gke-a,status.phase!=Running")).toBeNull();
    expect(fieldSelectorProblem("spec.nodeName")).not.toBeNull();
    expect(fieldSelectorProblem("a=b=c")).not.toBeNull();
  });
});
