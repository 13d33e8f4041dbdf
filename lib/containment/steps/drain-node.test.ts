import { describe, expect, it } from "vitest";
import { kubeApis } from "@/lib/kube/clients";
import { cordonNode } from "./cordon-node";
import { drainNode } from "./drain-node";
import { labelQuarantine } from "./label-quarantine";
import { protectNode } from "./protect-node";
import { Harness, openIncident, PAYMENTS, simPost } from "./support/testing";
import { useDemoSim } from "./support/testing-hooks";

const { sim } = useDemoSim();

async function podsOn(node: string) {
  return (await kubeApis(PAYMENTS).core.listPodForAllNamespaces({ fieldSelector: `spec.nodeName=${node}` })).items;
}

describe("drain-node", () => {
  it("is blocked until the pod is labelled and the node cordoned", async () => {
    const h = new Harness(await openIncident());
    expect((await h.plan(drainNode)).blocked).toMatch(/label-quarantine/);
    await h.execute(labelQuarantine);
    expect((await h.plan(drainNode)).blocked).toMatch(/cordon-node/);
  });

  it("evicts every other pod, never the quarantined one, and repeats as a no-op", async () => {
    const h = new Harness(await openIncident());
    const t = h.incident.targets;
    await h.execute(labelQuarantine);
    await h.execute(cordonNode);
    const params = { force: true, timeoutSeconds: 120 };
    const plan = await h.plan(drainNode, params);
    expect(plan.blocked).toBeUndefined();
    expect(plan.commands[0]).toBe(
      `kubectl --context ${PAYMENTS} drain ${t.node} '--pod-selector=!quarantine' --ignore-daemonsets --delete-emptydir-data --force`,
    );
    const mine = plan.changes.find((c) => c.target === `Pod shop/${t.pod}`);
    expect(mine?.action).toBe("read");
    expect(mine?.note).toMatch(/never evicted/);
    expect(plan.changes.some((c) => /DaemonSet/.test(c.note ?? ""))).toBe(true);
    // force deletes pods without a controller for good: destructive, approval-gated, reason shown.
    expect(plan.risk).toBe("destructive");
    expect(plan.riskReasons).toEqual([expect.stringMatching(/force/)]);
    const { result } = await h.execute(drainNode, params);
    expect(result.outcome).toBe("success");
    expect(h.progress.some((p) => p.detail?.state === "evicted" || p.detail?.state === "deleted")).toBe(true);
    expect(h.progress.some((p) => p.detail?.pod === `shop/${t.pod}`)).toBe(false);
    // The wait after the evictions says what it waits for and until when, pod by pod and overall.
    const moved = h.progress.filter((p) => p.detail?.state === "evicted" || p.detail?.state === "deleted");
    for (const p of moved) expect(p.detail?.reason).toMatch(/^terminating: its grace period lets it run up to \d+ s more \(until about \d\d:\d\d:\d\d UTC\)$/);
    const gone = new Set(h.progress.filter((p) => p.detail?.state === "gone").map((p) => p.detail?.pod));
    expect(gone).toEqual(new Set(moved.map((p) => p.detail?.pod)));
    const phase = h.progress.find((p) => p.detail?.phase === "terminating");
    expect(phase?.message).toMatch(
      /waiting for \d+ evicted pod\(s\) to finish terminating within their grace periods: done by about \d\d:\d\d:\d\d UTC \(about \d+ s\)/,
    );

    const left = await podsOn(t.node!);
    expect(left.find((p) => p.metadata?.uid === t.podUid)?.metadata?.deletionTimestamp).toBeUndefined();
    expect((await h.verify(drainNode, params)).holds).toBe(true);
    const again = await h.plan(drainNode, params);
    expect(again.noop).toBe(true);
    expect((await h.executePlan(drainNode, again, params)).outcome).toBe("noop");
  });

  it("retries, in a later round, the evictions a 429 (a PodDisruptionBudget's answer) refused", async () => {
    const h = new Harness(await openIncident());
    const t = h.incident.targets;
    await h.execute(labelQuarantine);
    await h.execute(cordonNode);
    const params = { force: true, timeoutSeconds: 120 };
    const plan = await h.plan(drainNode, params);
    // Two evictions refused, as a PodDisruptionBudget with no disruption left refuses them.
    await simPost(sim(), "/_sim/faults", { path: "/pods/[^/]+/eviction$", method: "POST", status: 429, times: 2 });
    const result = await h.executePlan(drainNode, plan, params);
    expect(result.outcome).toBe("success");
    const waited = h.progress.filter((p) => p.detail?.state === "waiting (PodDisruptionBudget)");
    expect(waited.length).toBe(2);
    // Each refused pod was evicted later all the same, and everything but the quarantined pod left.
    const evicted = new Set(h.progress.filter((p) => p.detail?.state === "evicted").map((p) => p.detail?.pod));
    for (const w of waited) expect(evicted).toContain(w.detail?.pod);
    expect((await h.verify(drainNode, params)).holds).toBe(true);
    expect((await podsOn(t.node!)).some((p) => p.metadata?.uid === t.podUid)).toBe(true);
  });

  it("waits for a pod already terminating instead of evicting it a second time (a retried run)", async () => {
    const h = new Harness(await openIncident());
    const t = h.incident.targets;
    await h.execute(labelQuarantine);
    await h.execute(cordonNode);
    const params = { force: true, timeoutSeconds: 120 };
    const plan = await h.plan(drainNode, params);
    // As an earlier attempt of the same run left it: evicted, still within its grace period.
    const victim = (await podsOn(t.node!)).find((p) => p.metadata?.uid !== t.podUid && p.metadata?.ownerReferences?.some((o) => o.kind === "ReplicaSet"))!;
    const name = victim.metadata!.name!;
    const ns = victim.metadata!.namespace!;
    await kubeApis(PAYMENTS).core.deleteNamespacedPod({ name, namespace: ns, gracePeriodSeconds: 3 });
    const since = ((await (await fetch(`${sim().base}/_sim/requests`)).json()) as { last: number }).last;
    const result = await h.executePlan(drainNode, plan, params);
    expect(result.outcome).toBe("success");
    const { items } = (await (await fetch(`${sim().base}/_sim/requests?since=${since}&writes=true`)).json()) as { items: { path: string }[] };
    expect(items.map((r) => r.path)).not.toContain(`/clusters/${PAYMENTS.split("_").pop()}/api/v1/namespaces/${ns}/pods/${name}/eviction`);
    expect(items.some((r) => r.path.endsWith("/eviction"))).toBe(true);
    expect(h.progress.some((p) => p.detail?.pod === `${ns}/${name}` && p.detail?.state === "gone")).toBe(true);
    expect((await h.verify(drainNode, params)).holds).toBe(true);
  });

  it("is locked until protect-node has run, since the autoscaler removes a drained node", async () => {
    const h = new Harness(await openIncident());
    await h.execute(labelQuarantine);
    await h.execute(cordonNode);
    const params = { force: true, timeoutSeconds: 120 };
    const locked = await h.plan(drainNode, params);
    expect(locked.blocked).toBeUndefined();
    expect(locked.lock).toMatchObject({ id: "protect-node-first" });
    expect(locked.lock?.message).toMatch(/auto-repair, autoscaling, auto-upgrade/);
    await h.execute(protectNode);
    expect((await h.plan(drainNode, params)).lock).toBeUndefined();
  });

  it("blocks bare pods without force and warns about emptyDir data", async () => {
    const h = new Harness(await openIncident());
    await h.execute(labelQuarantine);
    await h.execute(cordonNode);
    const plan = await h.plan(drainNode);
    expect(plan.risk).toBe("disruptive");
    const bare = plan.changes.filter((c) => /no controller/.test(c.note ?? ""));
    if (bare.length) expect(plan.blocked).toMatch(/force/);
    for (const w of plan.warnings.filter((x) => x.code === "evidence-loss")) expect(w.message).toMatch(/emptyDir/);
  });
});
