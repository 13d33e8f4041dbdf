import { describe, expect, it } from "vitest";
import { kubeApis, patchOptions, PatchStrategy } from "@/lib/kube/clients";
import { orphanPod } from "./orphan-pod";
import { REMOVED_LABELS_ANNOTATION } from "./support/labels";
import { Harness, openIncident, PAYMENTS, resetSim, shell } from "./support/testing";
import { useDemoSim } from "./support/testing-hooks";

const { sim } = useDemoSim();
const readPod = (name: string) => kubeApis(PAYMENTS).core.readNamespacedPod({ name, namespace: "shop" });

describe("orphan-pod", () => {
  it("strips only the binding labels, shows the replacement, repeats as a no-op, and restores on undo", async () => {
    const h = new Harness(await openIncident());
    const t = h.incident.targets;
    const before = (await readPod(t.pod)).metadata?.labels ?? {};
    const plan = await h.plan(orphanPod);
    const stripped = plan.changes.filter((c) => c.field?.startsWith("metadata.labels.")).map((c) => c.field!.slice("metadata.labels.".length));
    expect(stripped).toContain("app");
    expect(stripped).toContain("pod-template-hash");
    expect(stripped).not.toContain("tier"); // only NetworkPolicies select by it: ERRATA 5
    expect(plan.commands).toEqual(stripped.map((k) => `kubectl --context ${PAYMENTS} -n shop label pod ${t.pod} ${k}-`));
    expect(plan.dryRun?.ok).toBe(true);

    const { result } = await h.execute(orphanPod);
    expect(result.outcome).toBe("success");
    expect(result.message).toMatch(/Replacement: checkout-/);
    const after = await readPod(t.pod);
    expect(after.metadata?.labels?.tier).toBe("backend");
    for (const k of stripped) expect(after.metadata?.labels?.[k]).toBeUndefined();
    expect(JSON.parse(after.metadata?.annotations?.[REMOVED_LABELS_ANNOTATION] ?? "{}")).toMatchObject({ app: before.app });

    const v = await h.verify(orphanPod);
    expect(v.holds).toBe(true);
    expect(v.message).toMatch(/Replacement: checkout-/);
    expect((await h.plan(orphanPod)).noop).toBe(true);

    // While the labels are off, undoing changes something: release asks for the pod's name.
    expect(await orphanPod.undoNoop!(h.ctx(orphanPod), undefined)).toBeNull();
    expect((await h.undo(orphanPod)).outcome).toBe("success");
    expect(await orphanPod.undoNoop!(h.ctx(orphanPod), undefined)).toMatch(/already carries its original labels/);
    const restored = await readPod(t.pod);
    for (const k of stripped) expect(restored.metadata?.labels?.[k]).toBe(before[k]);
    expect(restored.metadata?.annotations?.[REMOVED_LABELS_ANNOTATION]).toBeUndefined();
  });

  it("leaves the same labels as the playbook's kubectl label <key>- commands", async () => {
    const h = new Harness(await openIncident());
    const plan = await h.plan(orphanPod);
    await h.execute(orphanPod);
    const ours = (await readPod(h.incident.targets.pod)).metadata?.labels;
    await resetSim(sim());
    for (const c of plan.commands) await shell(sim(), c);
    expect((await readPod(h.incident.targets.pod)).metadata?.labels).toEqual(ours);
  });

  it("restores the labels from the stored run record, never from the annotation the workload can rewrite", async () => {
    const h = new Harness(await openIncident());
    const t = h.incident.targets;
    const before = (await readPod(t.pod)).metadata?.labels ?? {};
    await h.execute(orphanPod);
    // The workload (its own service account may patch pods) rewrites the annotation release used to trust.
    const forged = JSON.stringify({ app: "payments-admin", "pod-template-hash": "forged", role: "admin" });
    await kubeApis(PAYMENTS).core.patchNamespacedPod(
      { name: t.pod, namespace: "shop", body: { metadata: { annotations: { [REMOVED_LABELS_ANNOTATION]: forged } } } },
      patchOptions(PatchStrategy.MergePatch),
    );
    expect((await h.undo(orphanPod)).outcome).toBe("success");
    const restored = (await readPod(t.pod)).metadata?.labels ?? {};
    expect(restored.role).toBeUndefined();
    expect(restored.app).toBe(before.app);
    expect(restored["pod-template-hash"]).toBe(before["pod-template-hash"]);
  });

  it("keeps an earlier run's labels in the record when a re-run strips more, so undo restores both", async () => {
    const h = new Harness(await openIncident());
    const t = h.incident.targets;
    const before = (await readPod(t.pod)).metadata?.labels ?? {};
    await h.execute(orphanPod);
    // Someone puts app back: a Service selects the pod again and a second run strips app alone.
    await kubeApis(PAYMENTS).core.patchNamespacedPod(
      { name: t.pod, namespace: "shop", body: { metadata: { labels: { app: before.app } } } },
      patchOptions(PatchStrategy.MergePatch),
    );
    const second = await h.plan(orphanPod);
    expect(second.changes.map((c) => c.field)).toContain("metadata.labels.app");
    expect(second.changes.map((c) => c.field)).not.toContain("metadata.labels.pod-template-hash");
    expect((await h.execute(orphanPod)).result.outcome).toBe("success");
    expect((await h.undo(orphanPod)).outcome).toBe("success");
    const restored = (await readPod(t.pod)).metadata?.labels ?? {};
    expect(restored.app).toBe(before.app);
    expect(restored["pod-template-hash"]).toBe(before["pod-template-hash"]);
  });

  it("has nothing to undo once the pod is gone, and says so in words", async () => {
    const h = new Harness(await openIncident());
    await h.execute(orphanPod);
    await kubeApis(PAYMENTS).core.deleteNamespacedPod({ name: h.incident.targets.pod, namespace: "shop", gracePeriodSeconds: 0 });
    expect(await orphanPod.undoNoop!(h.ctx(orphanPod), undefined)).toMatch(/no longer exists/);
  });
});
