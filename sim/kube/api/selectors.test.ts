import { describe, expect, it } from "vitest";
import { labelSelectorToString, parseFieldSelector, parseLabelSelector } from "./selectors";
import type { KObject } from "../types";

const sel = (s: string) => parseLabelSelector(s);

describe("label selectors", () => {
  const labels = { app: "checkout", tier: "backend", version: "3" };

  it("matches equality, inequality and set forms", () => {
    expect(sel("app=checkout").matches(labels)).toBe(true);
    expect(sel("app==checkout").matches(labels)).toBe(true);
    expect(sel("app!=checkout").matches(labels)).toBe(false);
    expect(sel("app in (cart, checkout)").matches(labels)).toBe(true);
    expect(sel("app notin (cart,checkout)").matches(labels)).toBe(false);
    expect(sel("tier,app=checkout").matches(labels)).toBe(true);
    expect(sel("version>2,version<4").matches(labels)).toBe(true);
  });

  it("treats a missing key as not equal and not in", () => {
    expect(sel("quarantine!=true").matches(labels)).toBe(true);
    expect(sel("quarantine notin (true)").matches(labels)).toBe(true);
    expect(sel("quarantine in (true)").matches(labels)).toBe(false);
  });

  it("supports existence and negated existence (drain's --pod-selector='!quarantine')", () => {
    expect(sel("!quarantine").matches(labels)).toBe(true);
    expect(sel("!quarantine").matches({ ...labels, quarantine: "true" })).toBe(false);
    expect(sel("quarantine").matches({ quarantine: "" })).toBe(true);
    expect(sel(" ! quarantine , app ").matches(labels)).toBe(true);
  });

  it("is empty for no requirements and selects everything", () => {
    expect(sel("").empty).toBe(true);
    expect(sel("").matches(undefined)).toBe(true);
  });

  it("accepts prefixed keys and rejects malformed selectors with 400", () => {
    expect(sel("app.kubernetes.io/name=checkout").matches({ "app.kubernetes.io/name": "checkout" })).toBe(true);
    for (const bad of ["=x", "app in ()", "app in (a", "app=a b", "-bad=x", "app=x,,", "a/b/c=x"]) {
      expect(() => sel(bad), bad).toThrowError(expect.objectContaining({ code: 400, reason: "BadRequest" }));
    }
    // An empty value is valid: `app=` selects app == "".
    expect(sel("app=").matches({ app: "" })).toBe(true);
  });

  it("renders structured selectors as the string form", () => {
    expect(labelSelectorToString({ matchLabels: { b: "2", a: "1" }, matchExpressions: [{ key: "q", operator: "DoesNotExist" }] })).toBe("!q,a=1,b=2");
  });
});

describe("field selectors", () => {
  const pod = { metadata: { name: "p1", namespace: "shop" }, spec: { nodeName: "n1" }, status: { phase: "Running" } } as unknown as KObject;

  it("supports the pod fields kubectl and drain use", () => {
    expect(parseFieldSelector("spec.nodeName=n1", "pods").matches(pod)).toBe(true);
    expect(parseFieldSelector("spec.nodeName==n2", "pods").matches(pod)).toBe(false);
    expect(parseFieldSelector("status.phase!=Succeeded,status.phase!=Failed", "pods").matches(pod)).toBe(true);
    expect(parseFieldSelector("metadata.name=p1,metadata.namespace=shop", "pods").matches(pod)).toBe(true);
    expect(parseFieldSelector("spec.nodeName=n1", "pods").equals("spec.nodeName")).toBe("n1");
  });

  it("supports involvedObject.* on events and spec.unschedulable on nodes", () => {
    const ev = { metadata: { name: "e" }, involvedObject: { kind: "Pod", name: "p1", namespace: "shop" } } as unknown as KObject;
    expect(parseFieldSelector("involvedObject.name=p1,involvedObject.kind=Pod", "events").matches(ev)).toBe(true);
    const node = { metadata: { name: "n" }, spec: {} } as unknown as KObject;
    expect(parseFieldSelector("spec.unschedulable=false", "nodes").matches(node)).toBe(true);
    expect(parseFieldSelector("spec.unschedulable=true", "nodes").matches({ ...node, spec: { unschedulable: true } })).toBe(true);
  });

  it("rejects unknown fields as the real server does", () => {
    expect(() => parseFieldSelector("spec.foo=bar", "pods")).toThrowError(
      expect.objectContaining({ code: 400, message: "field label not supported: spec.foo" }),
    );
    expect(() => parseFieldSelector("spec.nodeName=x", "services")).toThrowError(
      expect.objectContaining({ message: "field label not supported: spec.nodeName" }),
    );
  });

  it("unescapes values", () => {
    const p = { metadata: { name: "a,b" } } as unknown as KObject;
    expect(parseFieldSelector("metadata.name=a\\,b", "configmaps").matches(p)).toBe(true);
  });
});
