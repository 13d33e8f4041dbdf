import { describe, expect, it } from "vitest";
import { kubeApis } from "@/lib/kube/clients";
import { applyDenyAll } from "./apply-deny-all";
import { excludeFromPolicies } from "./exclude-from-policies";
import { labelQuarantine } from "./label-quarantine";
import { probeIsolation } from "./probe-isolation";
import { advanceClock, Harness, openIncident, PAYMENTS, simRequestSeq, simWritesSince } from "./support/testing";
import { useDemoSim } from "./support/testing-hooks";

const { sim } = useDemoSim();
const FRONTEND = { sourceLabels: { role: "probe-as-frontend" } };

describe("probe-isolation", () => {
  it("reports ports open before the deny-all and blocked after the countdown, deleting its probes", async () => {
    const h = new Harness(await openIncident());
    const plan = await h.plan(probeIsolation);
    expect(plan.blocked).toBeUndefined();
    expect(plan.commands[0]).toMatch(/kubectl .* run airlock-probe-\d+ --rm -i --restart=Never --image=busybox:1.36 .* -- nc -z -w 2 /);
    const before = await h.execute(probeIsolation, { ports: [(plan.data.ports as number[])[0]] });
    expect(before.result.message).toBeTypeOf("string");

    await h.execute(labelQuarantine);
    await h.execute(excludeFromPolicies);
    await h.execute(applyDenyAll);
    await advanceClock(sim(), 600);
    const after = await h.execute(probeIsolation);
    const results = (after.result.record as { results: { result: string }[] }).results;
    expect(results.length).toBeGreaterThan(0);
    expect(results.every((r) => r.result === "blocked")).toBe(true);
    expect(after.result.message).toMatch(/^Isolated/);
    const left = await kubeApis(PAYMENTS).core.listNamespacedPod({ namespace: "shop", labelSelector: "airlock.io/probe" });
    expect(left.items.filter((p) => !p.metadata?.deletionTimestamp)).toEqual([]);
  });

  it("verifies from the last probe's record without writing to the cluster", async () => {
    const h = new Harness(await openIncident());
    expect((await h.verify(probeIsolation)).message).toMatch(/No probe on record/);
    await h.execute(probeIsolation);
    const since = await simRequestSeq(sim());
    const v = await h.verify(probeIsolation);
    expect(v.message).toMatch(/^Last probe at .* min ago, from .*\. Run probe-isolation again to probe now\.$/);
    expect(await simWritesSince(sim(), since)).toEqual([]);
  });

  it("refuses probe labels a controller would adopt", async () => {
    const h = new Harness(await openIncident());
    const pods = await kubeApis(PAYMENTS).core.listNamespacedPod({ namespace: "shop", labelSelector: "app=frontend" });
    const labels = pods.items[0].metadata!.labels!;
    const plan = await h.plan(probeIsolation, { sourceLabels: labels });
    expect(plan.blocked).toMatch(/adopted/);
    expect((await h.plan(probeIsolation, FRONTEND)).blocked).toBeUndefined();
  });
});
