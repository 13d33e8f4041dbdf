import { expect, it } from "vitest";
import { selectorMatches, serviceSelects } from "./selectors";

const pod = { app: "checkout", tier: "web", "pod-template-hash": "abc" };

it("reads matchLabels and every matchExpressions operator", () => {
  expect(selectorMatches({}, pod)).toBe(true);
  expect(selectorMatches(undefined, pod)).toBe(true);
  expect(selectorMatches({ matchLabels: { app: "checkout" } }, pod)).toBe(true);
  expect(selectorMatches({ matchLabels: { app: "frontend" } }, pod)).toBe(false);
  expect(selectorMatches({ matchExpressions: [{ key: "tier", operator: "In", values: ["web", "api"] }] }, pod)).toBe(true);
  expect(selectorMatches({ matchExpressions: [{ key: "quarantine", operator: "NotIn", values: ["true"] }] }, pod)).toBe(true);
  expect(selectorMatches({ matchExpressions: [{ key: "quarantine", operator: "NotIn", values: ["true"] }] }, { ...pod, quarantine: "true" })).toBe(false);
  expect(selectorMatches({ matchExpressions: [{ key: "app", operator: "Exists" }] }, pod)).toBe(true);
  expect(selectorMatches({ matchExpressions: [{ key: "app", operator: "DoesNotExist" }] }, pod)).toBe(false);
  expect(selectorMatches({ matchExpressions: [{ key: "app", operator: "Gt", values: ["1"] }] }, pod)).toBe(false);
});

it("treats a Service without a selector as selecting nothing", () => {
  expect(serviceSelects({ app: "checkout" }, pod)).toBe(true);
  expect(serviceSelects({ app: "checkout", tier: "db" }, pod)).toBe(false);
  expect(serviceSelects({}, pod)).toBe(false);
  expect(serviceSelects(undefined, pod)).toBe(false);
});
