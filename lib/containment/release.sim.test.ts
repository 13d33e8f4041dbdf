import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listEntries } from "@/lib/audit/append";
import { verifyAudit } from "@/lib/audit/verify";
import { resetConfigForTests } from "@/lib/config";
import { containerClient } from "@/lib/gcp/clients";
import { kubeApis, patchOptions, PatchStrategy } from "@/lib/kube/clients";
import { getDb } from "@/lib/store";
import type { SimProcess } from "@/sim/test/harness";
import { executeStep, planStep, planUndo, undoStep, type ExecuteGates } from "./executor";
import { openIncident } from "./incidents";
import { releasePlan } from "./release";
import { listRuns } from "./runs";
import { SCALE_DOWN_DISABLED } from "./steps/support/node-pool";
import { compromisedPod, PAYMENTS, simPost, startSim } from "./steps/support/testing";
import { caller, freshDb } from "./testing";

// A run whose change landed but whose answer was lost ends failed; the operator's retry then
// finds the change in place and ends noop. Release must still see the change and undo it, from
// the record the failed run stored before its call, against the simulator process.
const analyst = caller("analyst@demo.local", "analyst");
const POOL = "projects/acme-prod/locations/us-central1-a/clusters/payments/nodePools/default-pool";

// The credentials stage's release needs an approver's sign-off; these tests are about which run it reverses.
const approved: ExecuteGates = {
  approvals: async (_incident, _step, planHash) => ({ id: `ok-${planHash.slice(0, 8)}`, status: "approved", planHash, approvedBy: ["approver@demo.local"] }),
  consumeApproval: async () => {},
};

let sim: SimProcess;
let close: () => Promise<void>;

const management = async () => {
  const [pool] = await containerClient().getNodePool({ name: POOL });
  return { autoRepair: pool.management?.autoRepair === true, autoUpgrade: pool.management?.autoUpgrade === true };
};

beforeAll(async () => {
  process.env.NEXTAUTH_SECRET ??= "x".repeat(40);
  resetConfigForTests();
  sim = await startSim();
  ({ close } = await freshDb());
});
afterAll(async () => {
  await close?.();
  await sim?.stop();
});

describe("release after a failed run whose change landed", () => {
  it("a noop retry of protect-node after a failure past setManagement is released with the failed run's record", async () => {
    const pod = await compromisedPod(PAYMENTS);
    const inc = await openIncident(analyst, { cluster: PAYMENTS, namespace: "shop", pod, title: "Miner in checkout" });
    const node = inc.targets.node!;

    const plan = await planStep(analyst, inc.id, "protect-node");
    // The annotation and setManagement land; reading the operation afterwards fails.
    await simPost(sim, "/_sim/faults", { path: "/operations/", method: "GET", rate: 1, status: 409, times: 1 });
    await expect(executeStep(analyst, inc.id, "protect-node", { planHash: plan.planHash })).rejects.toMatchObject({ reason: "step-failed" });
    expect(await management()).toEqual({ autoRepair: false, autoUpgrade: false });

    const again = await planStep(analyst, inc.id, "protect-node");
    expect(again.noop).toBe(true);
    const retry = await executeStep(analyst, inc.id, "protect-node", { planHash: again.planHash });
    expect(retry.outcome).toBe("noop");
    expect(retry.verify?.holds).toBe(true);

    const [item] = (await releasePlan(inc.id)).filter((i) => i.stepId === "protect-node");
    expect(item).toMatchObject({ runId: retry.runId, noop: null });
    const undoPlan = await planUndo(analyst, inc.id, "protect-node");
    // What the pool was before Airlock, as the failed run stored it before its call.
    expect(undoPlan.restores).toMatchObject({ annotationBefore: null, pool: { path: POOL, autoRepair: true, autoUpgrade: true } });
    const undone = await undoStep(analyst, inc.id, "protect-node", { planHash: undoPlan.planHash });
    expect(undone.outcome).toBe("success");
    expect(undone.verify?.holds).toBe(false);
    expect(await management()).toEqual({ autoRepair: true, autoUpgrade: true });
    expect((await kubeApis(PAYMENTS).core.readNode({ name: node })).metadata?.annotations?.[SCALE_DOWN_DISABLED]).toBeUndefined();

    // Released: nothing left to release, and the runs say which one the undo reversed.
    expect((await releasePlan(inc.id)).map((i) => i.stepId)).not.toContain("protect-node");
    const runs = (await listRuns(await getDb(), inc.id)).filter((r) => r.step_id === "protect-node");
    expect(runs.map((r) => `${r.operation}:${r.status}`)).toEqual(["execute:failed", "execute:undone", "undo:succeeded"]);
    // The record stored mid-run is on the timeline between intent and result, and the audit still verifies.
    const failedRun = (await listEntries(await getDb(), { incidentId: inc.id })).filter((e) => e.details.runId === runs[0].id).map((e) => e.kind);
    expect(failedRun).toEqual(["intent", "record-kept", "result", "verify"]);
    expect((await verifyAudit(await getDb(), null)).ok).toBe(true);
  });

  it("a noop that found the change as someone else left it stays out of release", async () => {
    await simPost(sim, "/_sim/reset");
    const pod = await compromisedPod(PAYMENTS);
    const inc = await openIncident(analyst, { cluster: PAYMENTS, namespace: "shop", pod, title: "Miner in checkout" });
    await kubeApis(PAYMENTS).core.patchNode(
      { name: inc.targets.node!, body: { spec: { unschedulable: true } } },
      patchOptions(PatchStrategy.StrategicMergePatch),
    );
    const plan = await planStep(analyst, inc.id, "cordon-node");
    expect((await executeStep(analyst, inc.id, "cordon-node", { planHash: plan.planHash })).outcome).toBe("noop");
    expect((await releasePlan(inc.id)).map((i) => i.stepId)).not.toContain("cordon-node");
  });

  it("revoke-credentials: bindings a failed run removed are put back by the release of the run that finished the job", async () => {
    await simPost(sim, "/_sim/reset");
    const pod = await compromisedPod(PAYMENTS);
    const inc = await openIncident(analyst, { cluster: PAYMENTS, namespace: "shop", pod, title: "Miner in checkout" });
    const subjects = async () => (await kubeApis(PAYMENTS).rbac.readNamespacedRoleBinding({ name: "checkout-runtime", namespace: "shop" })).subjects ?? [];
    const ksa = { kind: "ServiceAccount", name: "checkout", namespace: "shop" };
    expect(await subjects()).toEqual([ksa]);

    const plan = await planStep(analyst, inc.id, "revoke-credentials");
    // The KSA leaves its RoleBinding; reading the legacy token Secret afterwards fails.
    await simPost(sim, "/_sim/faults", { path: "/secrets/checkout-token$", method: "GET", rate: 1, status: 409, times: 1 });
    await expect(executeStep(analyst, inc.id, "revoke-credentials", { planHash: plan.planHash }, approved)).rejects.toMatchObject({ reason: "step-failed" });
    expect(await subjects()).toEqual([]);

    const again = await planStep(analyst, inc.id, "revoke-credentials");
    expect((await executeStep(analyst, inc.id, "revoke-credentials", { planHash: again.planHash }, approved)).outcome).toBe("success");
    const undoPlan = await planUndo(analyst, inc.id, "revoke-credentials");
    expect(undoPlan.restores).toMatchObject({ removed: [{ name: "checkout-runtime", subjects: [ksa] }] });
    const undone = await undoStep(analyst, inc.id, "revoke-credentials", { planHash: undoPlan.planHash }, approved);
    expect(undone.verify?.holds).toBe(false);
    expect(await subjects()).toEqual([ksa]);
  });

  it("orphan-pod: a retry within one run that finds the labels gone counts the change as the run's, and release puts them back", async () => {
    await simPost(sim, "/_sim/reset");
    const pod = await compromisedPod(PAYMENTS);
    const inc = await openIncident(analyst, { cluster: PAYMENTS, namespace: "shop", pod, title: "Miner in checkout" });
    const labels = async () => (await kubeApis(PAYMENTS).core.readNamespacedPod({ name: pod, namespace: "shop" })).metadata?.labels ?? {};
    const before = await labels();
    expect(before.app).toBe("checkout");

    const plan = await planStep(analyst, inc.id, "orphan-pod");
    // The labels come off; listing the pods for the replacement afterwards fails, and the executor runs execute again.
    await simPost(sim, "/_sim/faults", { path: "/namespaces/shop/pods$", method: "GET", rate: 1, status: 409, times: 1 });
    const run = await executeStep(analyst, inc.id, "orphan-pod", { planHash: plan.planHash, confirm: pod });
    expect(run.outcome).toBe("success");
    expect(run.message).toMatch(/earlier try of this run made the change/);
    expect((await labels()).app).toBeUndefined();

    expect((await releasePlan(inc.id)).map((i) => i.stepId)).toContain("orphan-pod");
    const undoPlan = await planUndo(analyst, inc.id, "orphan-pod");
    expect(undoPlan.restores).toMatchObject({ labels: { app: "checkout" } });
    await undoStep(analyst, inc.id, "orphan-pod", { planHash: undoPlan.planHash, confirm: pod }, approved);
    expect((await labels()).app).toBe("checkout");
  });

  it("label-quarantine: every answer of the label patch lost after it landed, then a noop retry; release removes the label", async () => {
    await simPost(sim, "/_sim/reset");
    const pod = await compromisedPod(PAYMENTS);
    const inc = await openIncident(analyst, { cluster: PAYMENTS, namespace: "shop", pod, title: "Miner in checkout" });
    const quarantine = async () => (await kubeApis(PAYMENTS).core.readNamespacedPod({ name: pod, namespace: "shop" })).metadata?.labels?.quarantine;

    const plan = await planStep(analyst, inc.id, "label-quarantine");
    // The step's own retries of the patch land too, and each answer is lost: the run fails.
    await simPost(sim, "/_sim/faults", { path: `/namespaces/shop/pods/${pod}$`, method: "PATCH", rate: 1, status: "drop-after" });
    await expect(executeStep(analyst, inc.id, "label-quarantine", { planHash: plan.planHash })).rejects.toMatchObject({ reason: "step-failed" });
    await fetch(`${sim.base}/_sim/faults`, { method: "DELETE" });
    expect(await quarantine()).toBe("true");

    const again = await planStep(analyst, inc.id, "label-quarantine");
    expect((await executeStep(analyst, inc.id, "label-quarantine", { planHash: again.planHash })).outcome).toBe("noop");
    expect((await releasePlan(inc.id)).map((i) => i.stepId)).toContain("label-quarantine");
    const undoPlan = await planUndo(analyst, inc.id, "label-quarantine");
    expect(undoPlan.restores).toEqual({ prior: null, labelledByAirlock: true });
    const undone = await undoStep(analyst, inc.id, "label-quarantine", { planHash: undoPlan.planHash });
    expect(undone.verify?.holds).toBe(false);
    expect(await quarantine()).toBeUndefined();
  });

  it("label-quarantine: a failed run with no retry after it is offered for release; its undo reads whether the change landed", async () => {
    await simPost(sim, "/_sim/reset");
    const pod = await compromisedPod(PAYMENTS);
    const inc = await openIncident(analyst, { cluster: PAYMENTS, namespace: "shop", pod, title: "Miner in checkout" });
    const quarantine = async () => (await kubeApis(PAYMENTS).core.readNamespacedPod({ name: pod, namespace: "shop" })).metadata?.labels?.quarantine;
    const failLabel = async (status: number | "drop-after") => {
      const plan = await planStep(analyst, inc.id, "label-quarantine");
      await simPost(sim, "/_sim/faults", { path: `/namespaces/shop/pods/${pod}$`, method: "PATCH", rate: 1, status });
      await expect(executeStep(analyst, inc.id, "label-quarantine", { planHash: plan.planHash })).rejects.toMatchObject({ reason: "step-failed" });
      await fetch(`${sim.base}/_sim/faults`, { method: "DELETE" });
    };

    // Landed, every answer lost, and nobody retried: the label is on and only release can take it off.
    await failLabel("drop-after");
    expect(await quarantine()).toBe("true");
    expect((await releasePlan(inc.id)).find((i) => i.stepId === "label-quarantine")).toMatchObject({ runFailed: true, noop: null });
    const undoPlan = await planUndo(analyst, inc.id, "label-quarantine");
    await undoStep(analyst, inc.id, "label-quarantine", { planHash: undoPlan.planHash });
    expect(await quarantine()).toBeUndefined();
    expect((await releasePlan(inc.id)).map((i) => i.stepId)).not.toContain("label-quarantine");

    // Refused before it was handled: listed all the same (only a read can tell), and the undo finds nothing to change.
    await failLabel(500);
    expect(await quarantine()).toBeUndefined();
    expect((await releasePlan(inc.id)).find((i) => i.stepId === "label-quarantine")).toMatchObject({ runFailed: true });
    const nothing = await planUndo(analyst, inc.id, "label-quarantine");
    const undone = await undoStep(analyst, inc.id, "label-quarantine", { planHash: nothing.planHash });
    expect(undone).toMatchObject({ outcome: "noop", message: expect.stringMatching(/already as it was/) });
    expect((await releasePlan(inc.id)).map((i) => i.stepId)).not.toContain("label-quarantine");
  });

  it("apply-deny-all: a create whose answer was lost (the retry met AlreadyExists) is Airlock's creation, released and deleted", async () => {
    await simPost(sim, "/_sim/reset");
    const pod = await compromisedPod(PAYMENTS);
    const inc = await openIncident(analyst, { cluster: PAYMENTS, namespace: "shop", pod, title: "Miner in checkout" });
    const denyAll = async () =>
      (await kubeApis(PAYMENTS).networking.listNamespacedNetworkPolicy({ namespace: "shop" })).items.some(
        (p) => p.metadata?.name === "airlock-quarantine-deny-all",
      );

    const plan = await planStep(analyst, inc.id, "apply-deny-all");
    await simPost(sim, "/_sim/faults", { path: "/namespaces/shop/networkpolicies$", method: "POST", rate: 1, status: "drop-after", times: 1 });
    const run = await executeStep(analyst, inc.id, "apply-deny-all", { planHash: plan.planHash });
    expect(run.outcome).toBe("success");
    expect(await denyAll()).toBe(true);

    expect((await releasePlan(inc.id)).map((i) => i.stepId)).toContain("apply-deny-all");
    const undoPlan = await planUndo(analyst, inc.id, "apply-deny-all");
    expect(undoPlan.restores).toMatchObject({ createdByAirlock: true });
    await undoStep(analyst, inc.id, "apply-deny-all", { planHash: undoPlan.planHash }, approved);
    expect(await denyAll()).toBe(false);
  });
});
