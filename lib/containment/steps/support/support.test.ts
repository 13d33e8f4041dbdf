import { describe, expect, it } from "vitest";
import { checkSshSourceRange } from "./cidr";
import { shq } from "./commands";
import { bindingLabels } from "./labels";
import { bindingKeys, hasExclusion } from "./selectors";

describe("checkSshSourceRange", () => {
  it("accepts one address or a CIDR no wider than /24", () => {
    expect(checkSshSourceRange("203.0.113.7")).toEqual({ ok: true, range: "203.0.113.7" });
    expect(checkSshSourceRange("203.0.113.0/24").ok).toBe(true);
    expect(checkSshSourceRange("203.0.113.8/29").ok).toBe(true);
  });
  it("refuses the whole internet, wide ranges, host bits and non-IPv4 input with a reason", () => {
    expect(checkSshSourceRange("0.0.0.0/0")).toMatchObject({ ok: false, message: expect.stringMatching(/whole internet/) });
    expect(checkSshSourceRange("10.0.0.0/8")).toMatchObject({ ok: false, message: expect.stringMatching(/too wide/) });
    expect(checkSshSourceRange("203.0.113.7/24")).toMatchObject({ ok: false, message: expect.stringMatching(/203\.0\.113\.0\/24/) });
    expect(checkSshSourceRange("::1").ok).toBe(false);
    expect(checkSshSourceRange("").ok).toBe(false);
    expect(checkSshSourceRange("256.1.1.1").ok).toBe(false);
  });
});

describe("binding labels", () => {
  const labels = { app: "checkout", tier: "backend", "pod-template-hash": "abc" };
  it("keeps labels only NetworkPolicies select by", () => {
    const b = bindingLabels(
      labels,
      [{ kind: "ReplicaSet", name: "checkout-abc", selector: { matchLabels: { app: "checkout", "pod-template-hash": "abc" } } }],
      [{ name: "checkout", selector: { app: "checkout" } }],
    );
    expect(b.map((x) => x.key)).toEqual(["app", "pod-template-hash"]);
    expect(b.find((x) => x.key === "app")?.boundBy).toEqual(["ReplicaSet checkout-abc", "Service checkout"]);
  });
  it("counts In and Exists requirements, not NotIn or DoesNotExist", () => {
    const sel = {
      matchExpressions: [
        { key: "app", operator: "In", values: ["checkout"] },
        { key: "tier", operator: "Exists" },
        { key: "quarantine", operator: "NotIn", values: ["true"] },
        { key: "canary", operator: "DoesNotExist" },
      ],
    };
    expect(bindingKeys(sel, labels).sort()).toEqual(["app", "tier"]);
  });
  it("recognises the quarantine exclusion", () => {
    expect(hasExclusion({ matchExpressions: [{ key: "quarantine", operator: "NotIn", values: ["true"] }] })).toBe(true);
    expect(hasExclusion({ matchLabels: { tier: "backend" } })).toBe(false);
  });
});

describe("shell quoting", () => {
  it("quotes only what the shell would misread", () => {
    expect(shq("quarantine=true")).toBe("quarantine=true");
    expect(shq("--pod-selector=!quarantine")).toBe("'--pod-selector=!quarantine'");
    expect(shq("it's")).toBe(`'it'\\''s'`);
  });
});
