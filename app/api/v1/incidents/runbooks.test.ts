import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { listEntries } from "@/lib/audit/append";
import { kubeApis } from "@/lib/kube/clients";
import { resetConfigForTests } from "@/lib/config";
import { ISOLATION_CHECK_STEP } from "@/lib/containment/runbooks/definitions";
import { compromisedPod, PAYMENTS, resetSim, simPost, simRequestSeq, simWritesSince, startSim } from "@/lib/containment/steps/support/testing";
import { freshDb } from "@/lib/containment/testing";
import type { Db } from "@/lib/store";
import type { SimProcess } from "@/sim/test/harness";
import { POST as executeRoute } from "./[id]/runbooks/[runbook]/execute/route";
import { POST as planRoute } from "./[id]/runbooks/[runbook]/plan/route";
import { GET as progressRoute } from "./[id]/runbooks/[runbook]/route";
import { POST as stepExecuteRoute } from "./[id]/steps/[stepId]/execute/route";
import { POST as stepPlanRoute } from "./[id]/steps/[stepId]/plan/route";
import { POST as openRoute } from "./route";
import { armTripwire, callRoute as call, tripwireStillArmed, userToken } from "../testing";

// The runbook API over the real simulator: one plan, one confirmation, one call; every step
// through the executor, so each lands on the timeline as itself.

const SSH = "203.0.113.7/32";
let sim: SimProcess;
let db: Db;
let close: () => Promise<void>;
let analyst: string;

beforeAll(async () => {
  // Longer than the simulator's --netpol-delay 5: the check runs once the policy is in effect.
  process.env.NETPOL_PROPAGATION_SECONDS = "6";
  resetConfigForTests();
  sim = await startSim();
  const fresh = await freshDb();
  db = fresh.db;
  close = fresh.close;
  analyst = await userToken(db, "analyst@x.com", ["analyst"]);
});
afterAll(async () => {
  delete process.env.NETPOL_PROPAGATION_SECONDS;
  delete process.env.APPROVAL_POLICY;
  resetConfigForTests();
  await close?.();
  await sim?.stop();
});
beforeEach(async () => {
  delete process.env.APPROVAL_POLICY;
  await resetSim(sim);
});

async function open() {
  const pod = await compromisedPod();
  const res = await call(openRoute, "POST", "/api/v1/incidents", {}, analyst, { cluster: PAYMENTS, namespace: "shop", pod, title: "Runbook" });
  expect(res.status).toBe(201);
  return { id: res.body.id as string, pod };
}

const url = (id: string, runbook: string, what: string) => `/api/v1/incidents/${id}/runbooks/${runbook}/${what}`;
const plan = (id: string, runbook: string, body: object = {}) => call(planRoute, "POST", url(id, runbook, "plan"), { id, runbook }, analyst, body);
const execute = (id: string, runbook: string, body: object) => call(executeRoute, "POST", url(id, runbook, "execute"), { id, runbook }, analyst, body);

async function runStep(id: string, stepId: string, params: object = {}) {
  const p = await call(stepPlanRoute, "POST", `/api/v1/incidents/${id}/steps/${stepId}/plan`, { id, stepId }, analyst, { params });
  const res = await call(stepExecuteRoute, "POST", `/api/v1/incidents/${id}/steps/${stepId}/execute`, { id, stepId }, analyst, {
    planHash: p.body.planHash,
    params,
  });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
}

describe("isolate-pod", () => {
  it("plans every step at once with one hash, runs them with one confirmation and reaches a verified isolation", async () => {
    const { id, pod } = await open();
    const planned = await plan(id, "isolate-pod");
    expect(planned.status, JSON.stringify(planned.body)).toBe(200);
    expect(planned.body.steps.map((s: { stepId: string }) => s.stepId)).toEqual([
      "label-quarantine",
      "exclude-from-policies",
      "apply-deny-all",
      ISOLATION_CHECK_STEP,
    ]);
    expect(planned.body.planHash).toMatch(/^[0-9a-f]{64}$/);
    expect(planned.body.blocked).toBeUndefined();
    // The exclusion waits for the label, which runs first in the same runbook: shown as its changes, not as blocked.
    const exclude = planned.body.steps[1];
    expect(exclude.blocked).toBeUndefined();
    expect(exclude.changes[0]).toMatchObject({ action: "patch", field: "spec.podSelector" });
    // The deny-all's warnings about the missing label and the allow policy are settled by the earlier steps.
    expect(planned.body.steps[2].warnings.map((w: { code: string }) => w.code)).not.toContain("not-labelled");
    expect(planned.body.steps[2].warnings.map((w: { code: string }) => w.code)).not.toContain("defeated-by-allow-policies");
    expect(planned.body).toMatchObject({ propagationSeconds: 6, requiresConfirmation: true, needsApproval: [] });
    // The check is not passive: the one confirmation covers probe pods it creates and the ephemeral container it adds for good.
    const check = planned.body.steps[3] as { changes: { target: string; action: string; field?: string }[]; warnings: { code: string; level: string }[] };
    expect(check.changes.filter((c) => c.action === "create" && c.target.startsWith("Pod shop/airlock-probe-")).length).toBeGreaterThan(0);
    expect(check.changes).toContainEqual(expect.objectContaining({ target: `Pod shop/${pod}`, action: "patch", field: "spec.ephemeralContainers" }));
    expect(check.warnings).toContainEqual(expect.objectContaining({ code: "ephemeral-container", level: "caution" }));

    expect((await execute(id, "isolate-pod", { planHash: "0".repeat(64), confirm: pod })).body.error).toMatchObject({ code: 409, reason: "plan-changed" });
    expect((await execute(id, "isolate-pod", { planHash: planned.body.planHash, confirm: "wrong" })).body.error).toMatchObject({
      code: 400,
      reason: "confirmation",
    });

    const since = new Date().toISOString();
    const done = await execute(id, "isolate-pod", { planHash: planned.body.planHash, confirm: pod });
    expect(done.status, JSON.stringify(done.body)).toBe(200);
    expect(done.body.state).toBe("contained");
    expect(done.body.steps.map((s: { status: string }) => s.status)).toEqual(["success", "success", "success", "success"]);
    expect(done.body.steps[3].verify).toMatchObject({ holds: true, message: expect.stringMatching(/^Isolated: ingress isolated/) });
    expect(done.body.propagation.waitedMs).toBeGreaterThan(0);

    // Each step is on the timeline as itself: intent, result, verify, in the runbook's order.
    const entries = await listEntries(db, { incidentId: id });
    const intents = entries.filter((e) => e.kind === "intent" && e.at >= since).map((e) => e.stepId);
    expect(intents).toEqual(["label-quarantine", "exclude-from-policies", "apply-deny-all", ISOLATION_CHECK_STEP]);
    for (const step of intents) {
      expect(entries.filter((e) => e.stepId === step && e.kind === "result")).toHaveLength(1);
      expect(entries.filter((e) => e.stepId === step && e.kind === "verify")).toHaveLength(1);
    }
    expect(entries.filter((e) => e.kind === "runbook").map((e) => e.details.phase)).toEqual(["start", "end"]);

    const progress = await call(progressRoute, "GET", `${url(id, "isolate-pod", "")}?since=${since}`, { id, runbook: "isolate-pod" }, analyst);
    expect(progress.body.steps.map((s: { status: string }) => s.status)).toEqual(["succeeded", "succeeded", "succeeded", "succeeded"]);

    // A step already in effect is a no-op: the mutating steps plan as nothing to do.
    const again = await plan(id, "isolate-pod");
    expect(again.body.steps.slice(0, 3).map((s: { noop?: boolean }) => s.noop)).toEqual([true, true, true]);
    expect(again.body.planHash).not.toBe(planned.body.planHash);
  });

  it("stops at a failed step with its reason; later steps do not run and nothing reads as done", async () => {
    const { id, pod } = await open();
    const planned = await plan(id, "isolate-pod");
    await simPost(sim, "/_sim/faults", { path: "^/clusters/[^/]+/apis/networking.k8s.io/v1/namespaces/shop/networkpolicies$", method: "POST", status: 403 });
    const res = await execute(id, "isolate-pod", { planHash: planned.body.planHash, confirm: pod });
    expect(res.status).toBe(502);
    expect(res.body.error).toMatchObject({ code: 502, reason: "step-failed" });
    expect(res.body.runbook.state).toBe("failed");
    expect(res.body.runbook.steps.map((s: { status: string }) => s.status)).toEqual(["success", "success", "failed", "not-run"]);
    expect(res.body.runbook.steps[2].message).toMatch(/Apply the deny-all NetworkPolicy.*failed/);
    expect(res.body.runbook.message).toMatch(/the steps after it did not run/);
    const entries = await listEntries(db, { incidentId: id });
    expect(entries.some((e) => e.stepId === ISOLATION_CHECK_STEP && e.kind === "intent")).toBe(false);
  });

  it("stops before a step the approval policy gates, saying which, and does not run it", async () => {
    process.env.APPROVAL_POLICY = JSON.stringify({ steps: { "apply-deny-all": 1 } });
    const { id, pod } = await open();
    const planned = await plan(id, "isolate-pod");
    expect(planned.body.needsApproval).toEqual(["apply-deny-all"]);
    const res = await execute(id, "isolate-pod", { planHash: planned.body.planHash, confirm: pod });
    expect(res.status).toBe(403);
    expect(res.body.error.reason).toBe("approval-required");
    expect(res.body.runbook.state).toBe("awaiting-approval");
    expect(res.body.runbook.message).toMatch(/^Awaiting approval for "Apply the deny-all NetworkPolicy"/);
    expect(res.body.runbook.steps.map((s: { status: string }) => s.status)).toEqual(["success", "success", "awaiting-approval", "not-run"]);
  });

  it("shows an approver the runbook plan, writing nothing to the cluster, and refuses it running the runbook before any cluster call", async () => {
    const { id, pod } = await open();
    const approver = await userToken(db, `approver-${id}@x.com`, ["approver"]);
    const since = await simRequestSeq(sim);
    const seen = await call(planRoute, "POST", url(id, "isolate-pod", "plan"), { id, runbook: "isolate-pod" }, approver, {});
    expect(seen.status, JSON.stringify(seen.body)).toBe(200);
    // The approver sees the very plan the analyst would run (same hash), and planning changed nothing.
    expect(seen.body.planHash).toBe((await plan(id, "isolate-pod")).body.planHash);
    expect(seen.body.steps.map((s: { stepId: string }) => s.stepId)).toEqual([
      "label-quarantine",
      "exclude-from-policies",
      "apply-deny-all",
      ISOLATION_CHECK_STEP,
    ]);
    expect(await simWritesSince(sim, since)).toEqual([]);
    const entries = await listEntries(db, { incidentId: id });
    expect(entries.filter((e) => e.kind === "plan").map((e) => e.role)).toContain("approver");

    await armTripwire(sim);
    const res = await call(executeRoute, "POST", url(id, "isolate-pod", "execute"), { id, runbook: "isolate-pod" }, approver, {
      planHash: seen.body.planHash,
      confirm: pod,
    });
    expect(res.status).toBe(403);
    expect(res.body.error.message).toBe("Your role does not allow this");
    expect(await tripwireStillArmed(sim, PAYMENTS)).toBe(true);
    expect((await listEntries(db, { incidentId: id })).some((e) => e.kind === "intent" || e.kind === "runbook")).toBe(false);
  });

  it("is blocked on a cluster that does not enforce NetworkPolicy, pointing to node isolation", async () => {
    const storefront = "gke_acme-prod_us-central1_storefront";
    const pods = await kubeApis(storefront).core.listNamespacedPod({ namespace: "shop", labelSelector: "app=frontend" });
    const pod = pods.items[0].metadata!.name!;
    const opened = await call(openRoute, "POST", "/api/v1/incidents", {}, analyst, { cluster: storefront, namespace: "shop", pod, title: "No enforcement" });
    const id = opened.body.id as string;
    const planned = await plan(id, "isolate-pod");
    expect(planned.body.blocked).toMatch(/^Apply the deny-all NetworkPolicy: This cluster does not enforce NetworkPolicy.*node isolation/);
    const res = await execute(id, "isolate-pod", { planHash: planned.body.planHash, confirm: pod });
    expect(res.status).toBe(409);
    expect(res.body.error.reason).toBe("blocked");
    const entries = await listEntries(db, { incidentId: id });
    expect(entries.some((e) => e.kind === "intent")).toBe(false);
  });

  it("refuses a runbook or incident that does not exist, and bad params before any call", async () => {
    const { id } = await open();
    expect((await plan(id, "wipe-everything")).status).toBe(400);
    expect((await plan("no-such-incident", "isolate-pod")).status).toBe(404);
    const bad = await plan(id, "isolate-node", { params: { "firewall-isolate": { sshSourceRange: "0.0.0.0/0" } } });
    expect(bad.status).toBe(400);
    expect(Object.keys(bad.body.error.fieldErrors)).toContain("firewall-isolate.sshSourceRange");
  });
});

describe("isolate-node", () => {
  it("is blocked until evidence is collected, then protects, tags and firewalls the node in one call", async () => {
    const { id, pod } = await open();
    const params = { "firewall-isolate": { sshSourceRange: SSH } };
    const early = await plan(id, "isolate-node", { params });
    expect(early.body.blocked).toMatch(/^Evidence first: run collect-evidence and snapshot-node-disk/);
    expect((await execute(id, "isolate-node", { planHash: early.body.planHash, confirm: pod, params })).body.error).toMatchObject({ reason: "blocked" });

    await runStep(id, "collect-evidence");
    await runStep(id, "snapshot-node-disk");
    const planned = await plan(id, "isolate-node", { params });
    expect(planned.status, JSON.stringify(planned.body)).toBe(200);
    expect(planned.body.steps.map((s: { stepId: string }) => s.stepId)).toEqual(["protect-node", "tag-node", "firewall-isolate"]);
    // protect-node runs first in the same runbook, so the firewall's protect-node-first lock is not a block.
    expect(planned.body.blocked).toBeUndefined();
    expect(planned.body.steps[2].lock).toBeUndefined();
    const res = await execute(id, "isolate-node", { planHash: planned.body.planHash, confirm: pod, params });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.steps.map((s: { stepId: string; status: string; verify?: { holds: boolean } }) => [s.stepId, s.status, s.verify?.holds])).toEqual([
      ["protect-node", "success", true],
      ["tag-node", "success", true],
      ["firewall-isolate", "success", true],
    ]);
    expect(res.body.propagation).toBeNull();
  });
});
