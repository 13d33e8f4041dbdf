import { describe, expect, it } from "vitest";
import { fieldSelectorProblem, labelSelectorMatches, labelSelectorProblem, labelSelectorToString, serviceSelects } from "./selectors";

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
    expect(labelSelectorMatches({ matchExpressions: [{ key: "quarantine", operator: "NotIn", values: ["true"] }] }, { ...pod, quarantine: "true" })).toBe(
      false,
    );
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

describe("the containment checks' readings", () => {
  const webPod = { app: "checkout", tier: "web", "pod-template-hash": "abc" };

  it("reads matchLabels and every matchExpressions operator", () => {
    expect(labelSelectorMatches({}, webPod)).toBe(true);
    expect(labelSelectorMatches(undefined, webPod)).toBe(true);
    expect(labelSelectorMatches({ matchLabels: { app: "checkout" } }, webPod)).toBe(true);
    expect(labelSelectorMatches({ matchLabels: { app: "frontend" } }, webPod)).toBe(false);
    expect(labelSelectorMatches({ matchExpressions: [{ key: "tier", operator: "In", values: ["web", "api"] }] }, webPod)).toBe(true);
    expect(labelSelectorMatches({ matchExpressions: [{ key: "quarantine", operator: "NotIn", values: ["true"] }] }, webPod)).toBe(true);
    expect(labelSelectorMatches({ matchExpressions: [{ key: "quarantine", operator: "NotIn", values: ["true"] }] }, { ...webPod, quarantine: "true" })).toBe(
      false,
    );
    expect(labelSelectorMatches({ matchExpressions: [{ key: "app", operator: "Exists" }] }, webPod)).toBe(true);
    expect(labelSelectorMatches({ matchExpressions: [{ key: "app", operator: "DoesNotExist" }] }, webPod)).toBe(false);
    expect(labelSelectorMatches({ matchExpressions: [{ key: "app", operator: "Gt", values: ["1"] }] }, webPod)).toBe(false);
  });

  it("treats a Service without a selector as selecting nothing", () => {
    expect(serviceSelects({ app: "checkout" }, webPod)).toBe(true);
    expect(serviceSelects({ app: "checkout", tier: "db" }, webPod)).toBe(false);
    expect(serviceSelects({}, webPod)).toBe(false);
    expect(serviceSelects(undefined, webPod)).toBe(false);
  });
});

describe("selector syntax", () => {
  it("accepts the forms kubectl accepts", () => {
    for (const s of [
      "",
      "app=checkout",
      "app==x,tier!=db",
      "env in (prod, staging)",
      "quarantine notin (true)",
      "app",
      "!quarantine",
      "app.kubernetes.io/name=cart",
    ]) {
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
