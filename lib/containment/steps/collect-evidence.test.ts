import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { collectEvidence } from "./collect-evidence";
import type { Artifact } from "./support/artifacts";
import { Harness, openIncident } from "./support/testing";
import { useDemoSim } from "./support/testing-hooks";

useDemoSim();

describe("collect-evidence", () => {
  it("collects manifests, logs and events with matching SHA-256, and repeats as a no-op", async () => {
    const h = new Harness(await openIncident());
    const plan = await h.plan(collectEvidence);
    expect(plan.blocked).toBeUndefined();
    const { result } = await h.execute(collectEvidence);
    expect(result.outcome).toBe("success");
    const artifacts = result.record?.artifacts as Artifact[];
    const names = artifacts.map((a) => a.name);
    expect(names).toContain(`pod-${h.incident.targets.pod}.json`);
    expect(names.some((n) => n.startsWith("replicaset-"))).toBe(true);
    expect(names.some((n) => n.startsWith("deployment-"))).toBe(true);
    expect(names).toContain("service-checkout.json");
    expect(names).toContain("networkpolicy-allow-checkout-from-frontend.json");
    expect(names.some((n) => n.startsWith("node-"))).toBe(true);
    expect(names.some((n) => n.startsWith("logs-"))).toBe(true);
    expect(names.some((n) => n.startsWith("events-"))).toBe(true);
    for (const a of artifacts) {
      expect(a.sha256).toBe(createHash("sha256").update(a.body).digest("hex"));
      expect(a.source).toMatch(/^\/api/);
    }
    expect((await h.verify(collectEvidence)).holds).toBe(true);
    expect((await h.plan(collectEvidence)).noop).toBe(true);
    expect((await h.executePlan(collectEvidence, await h.plan(collectEvidence), { recollect: false })).outcome).toBe("noop");
  });
});
