import { expect, it } from "vitest";
import { planHash } from "./plan-hash";

const base = {
  stepId: "cordon-node",
  params: { a: 1, b: "x" },
  changes: [{ target: "Node n1", action: "patch" as const, field: "spec.unschedulable", before: false, after: true }],
  data: { node: "n1" },
};

it("is stable under key order and a 64-hex sha256", () => {
  const h = planHash(base);
  expect(h).toMatch(/^[0-9a-f]{64}$/);
  expect(planHash({ ...base, params: { b: "x", a: 1 }, data: { node: "n1" } })).toBe(h);
});

it("changes when the step, params, changes or data change", () => {
  const h = planHash(base);
  expect(planHash({ ...base, stepId: "label-quarantine" })).not.toBe(h);
  expect(planHash({ ...base, params: { a: 2, b: "x" } })).not.toBe(h);
  expect(planHash({ ...base, changes: [{ ...base.changes[0], after: false }] })).not.toBe(h);
  expect(planHash({ ...base, data: { node: "n2" } })).not.toBe(h);
});
