import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compromisedPod, PAYMENTS, simRequestSeq, simWritesSince, startSim } from "@/lib/containment/steps/support/testing";
import { freshDb, givenIncident, caller } from "@/lib/containment/testing";
import { kubeApis } from "@/lib/kube/clients";
import type { Db } from "@/lib/store";
import type { SimProcess } from "@/sim/test/harness";
import { GET as containmentRoute } from "./[id]/containment/route";
import { GET as detailRoute } from "./[id]/route";
import { GET as releaseRoute } from "./[id]/release/route";
import { POST as executeRoute } from "./[id]/steps/[stepId]/execute/route";
import { POST as planRoute } from "./[id]/steps/[stepId]/plan/route";
import { GET as progressRoute } from "./[id]/steps/[stepId]/progress/route";
import { POST as undoRoute } from "./[id]/steps/[stepId]/undo/route";
import { POST as undoPlanRoute } from "./[id]/steps/[stepId]/undo/plan/route";
import { POST as requestApprovalRoute } from "./[id]/steps/[stepId]/approvals/route";
import { POST as approveRoute } from "../approvals/[approvalId]/approve/route";
import { GET as timelineRoute } from "./[id]/timeline/route";
import { armTripwire, callRoute as call, tripwireStillArmed, userToken } from "../testing";
import { GET as listRoute, POST as openRoute } from "./route";

let sim: SimProcess;
let db: Db;
let close: () => Promise<void>;
let analyst: string;
let approver: string;
let nobody: string;

beforeAll(async () => {
  sim = await startSim();
  ({ db, close } = await freshDb());
  analyst = await userToken(db, "analyst@x.com", ["analyst"]);
  approver = await userToken(db, "approver@x.com", ["approver"]);
  nobody = await userToken(db, "nobody@x.com", []);
});
afterAll(async () => {
  await close?.();
  await sim?.stop();
});

describe("/api/v1/incidents doors", () => {
  it("answers 401, 403 and 400 before any cluster call", async () => {
    const inc = await givenIncident(caller("analyst@x.com", "analyst"));
    await armTripwire(sim);
    const open = { cluster: PAYMENTS, namespace: "shop", pod: "checkout-x", title: "Miner" };
    expect((await call(openRoute, "POST", "/api/v1/incidents", {}, undefined, open)).status).toBe(401);
    expect((await call(openRoute, "POST", "/api/v1/incidents", {}, nobody, open)).status).toBe(403);
    expect((await call(listRoute, "GET", "/api/v1/incidents", {}, nobody)).status).toBe(403);
    const bad = await call(openRoute, "POST", "/api/v1/incidents", {}, analyst, { cluster: PAYMENTS, namespace: "Not_Valid", title: "x" });
    expect(bad.status).toBe(400);
    expect(Object.keys(bad.body.error.fieldErrors)).toEqual(expect.arrayContaining(["namespace", "pod", "title"]));

    const p = { id: inc.id, stepId: "drain-node" };
    const base = `/api/v1/incidents/${inc.id}/steps/drain-node`;
    expect((await call(planRoute, "POST", `${base}/plan`, p, nobody, {})).status).toBe(403);
    const badParams = await call(planRoute, "POST", `${base}/plan`, p, analyst, { params: { timeoutSeconds: -5 } });
    expect(badParams.status).toBe(400);
    expect(badParams.body.error.fieldErrors).toHaveProperty("timeoutSeconds");
    expect((await call(executeRoute, "POST", `${base}/execute`, p, analyst, { planHash: "abc" })).status).toBe(400);
    expect((await call(executeRoute, "POST", `${base}/execute`, p, undefined, { planHash: "0".repeat(64) })).status).toBe(401);
    expect((await call(planRoute, "POST", `/api/v1/incidents/${inc.id}/steps/Bad_Step/plan`, { id: inc.id, stepId: "Bad_Step" }, analyst, {})).status).toBe(
      400,
    );
    expect(
      (await call(planRoute, "POST", `/api/v1/incidents/${inc.id}/steps/no-such-step/plan`, { id: inc.id, stepId: "no-such-step" }, analyst, {})).status,
    ).toBe(404);
    const board = { id: inc.id };
    expect((await call(containmentRoute, "GET", `/api/v1/incidents/${inc.id}/containment`, board, undefined)).status).toBe(401);
    expect((await call(containmentRoute, "GET", `/api/v1/incidents/${inc.id}/containment`, board, nobody)).status).toBe(403);
    expect((await call(containmentRoute, "GET", "/api/v1/incidents/Bad!/containment", { id: "Bad!" }, analyst)).status).toBe(400);
    expect(await tripwireStillArmed(sim, PAYMENTS)).toBe(true);
  });

  it("opens an incident on the compromised pod and runs a step through plan, execute, timeline and undo", async () => {
    const pod = await compromisedPod();
    const opened = await call(openRoute, "POST", "/api/v1/incidents", {}, analyst, { cluster: PAYMENTS, namespace: "shop", pod, title: "Miner in checkout" });
    expect(opened.status).toBe(201);
    const id = opened.body.id as string;
    expect(opened.body.targets).toMatchObject({ pod, services: ["checkout"], networkPolicies: ["allow-checkout-from-frontend"] });
    expect((await call(listRoute, "GET", "/api/v1/incidents", {}, analyst)).body.items.map((i: { id: string }) => i.id)).toContain(id);

    const detail = await call(detailRoute, "GET", `/api/v1/incidents/${id}`, { id }, analyst);
    expect(detail.status).toBe(200);
    expect(detail.body.stages.map((s: { stage: string }) => s.stage)).toEqual([
      "evidence",
      "isolate",
      "network",
      "credentials",
      "services",
      "node-network",
      "eradicate",
    ]);
    const cordonSummary = detail.body.stages[1].steps.find((s: { id: string }) => s.id === "cordon-node");
    expect(cordonSummary).toMatchObject({ status: "not-run", reversible: true, preflight: { ok: true } });
    expect(detail.body.preflight.defeatingPolicies).toEqual([{ name: "allow-checkout-from-frontend", directions: ["ingress"] }]);

    const s = (stepId: string) => ({ p: { id, stepId }, u: `/api/v1/incidents/${id}/steps/${stepId}` });
    const cordon = s("cordon-node");
    const plan = await call(planRoute, "POST", `${cordon.u}/plan`, cordon.p, analyst, {});
    expect(plan.status).toBe(200);
    expect(plan.body).toMatchObject({ risk: "reversible", requiresApproval: false, commands: [expect.stringMatching(/^kubectl .*cordon /)] });

    const stale = await call(executeRoute, "POST", `${cordon.u}/execute`, cordon.p, analyst, { planHash: "0".repeat(64) });
    expect(stale.status).toBe(409);
    expect(stale.body.error.message).toBe("The plan changed since you reviewed it; review the new plan");

    const done = await call(executeRoute, "POST", `${cordon.u}/execute`, cordon.p, analyst, { planHash: plan.body.planHash });
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({ outcome: "success", verify: { holds: true } });
    const node = await kubeApis(PAYMENTS).core.readNode({ name: opened.body.targets.node });
    expect(node.spec?.unschedulable).toBe(true);
    const withBoard = await call(detailRoute, "GET", `/api/v1/incidents/${id}`, { id }, analyst);
    const workload = withBoard.body.containment.rows.find((r: { layer: string }) => r.layer === "workload");
    expect(workload).toMatchObject({ state: "in-effect", why: expect.stringMatching(/cordoned \(spec.unschedulable: true\)/) });
    // Cordoning is not isolation: the clock has not stopped.
    expect(withBoard.body.containment.timeToContain).toMatchObject({ openedFrom: "incident", containedAt: null, seconds: null });

    const label = s("label-quarantine");
    const labelPlan = await call(planRoute, "POST", `${label.u}/plan`, label.p, analyst, {});
    expect((await call(executeRoute, "POST", `${label.u}/execute`, label.p, analyst, { planHash: labelPlan.body.planHash })).status).toBe(200);

    const drain = s("drain-node");
    const force = { force: true };
    const drainPlan = await call(planRoute, "POST", `${drain.u}/plan`, drain.p, analyst, { params: force });
    const unconfirmed = await call(executeRoute, "POST", `${drain.u}/execute`, drain.p, analyst, {
      planHash: drainPlan.body.planHash,
      params: force,
      confirm: "checkout",
    });
    expect(unconfirmed.status, JSON.stringify(unconfirmed.body)).toBe(400);
    expect(unconfirmed.body.error.fieldErrors).toHaveProperty("confirm");

    const del = s("delete-pod");
    const delPlan = await call(planRoute, "POST", `${del.u}/plan`, del.p, analyst, {});
    expect(delPlan.body.requiresApproval).toBe(true);
    // Destructive steps wait for evidence first (and then for an approver: see the approvals tests).
    const early = await call(executeRoute, "POST", `${del.u}/execute`, del.p, analyst, { planHash: delPlan.body.planHash, confirm: pod });
    expect(early.status).toBe(409);
    expect(early.body.error.message).toMatch(/evidence/i);

    const timeline = await call(timelineRoute, "GET", `/api/v1/incidents/${id}/timeline`, { id }, analyst);
    const kinds = timeline.body.items.filter((e: { stepId: string }) => e.stepId === "cordon-node").map((e: { kind: string }) => e.kind);
    // The stale-hash attempt is on record; the cordon keeps its record (the node as it was) before its write; the cordon, the first isolating step, contained the incident.
    expect(kinds).toEqual(["plan", "refused", "intent", "record-kept", "result", "verify", "status-changed"]);

    const progress = await call(progressRoute, "GET", `${cordon.u}/progress`, cordon.p, analyst);
    expect(progress.body.run).toMatchObject({ status: "succeeded", operation: "execute" });

    expect((await call(releaseRoute, "GET", `/api/v1/incidents/${id}/release`, { id }, analyst)).body.items.map((i: { stepId: string }) => i.stepId)).toEqual([
      "label-quarantine",
      "cordon-node",
    ]);
    const undoPlan = async (x: { p: { id: string; stepId: string }; u: string }) => (await call(undoPlanRoute, "POST", `${x.u}/undo/plan`, x.p, analyst)).body;
    const labelUndo = await undoPlan(label);
    expect(labelUndo).toMatchObject({ operation: "undo", requiresApproval: false, restores: expect.any(Object) });
    expect((await call(undoRoute, "POST", `${label.u}/undo`, label.p, analyst, { planHash: labelUndo.planHash })).status).toBe(200);
    const undone = await call(undoRoute, "POST", `${cordon.u}/undo`, cordon.p, analyst, { planHash: (await undoPlan(cordon)).planHash });
    expect(undone.status).toBe(200);
    expect(undone.body).toMatchObject({ operation: "undo", verify: { holds: false } });
    expect((await kubeApis(PAYMENTS).core.readNode({ name: opened.body.targets.node })).spec?.unschedulable).toBeFalsy();
    expect((await call(releaseRoute, "GET", `/api/v1/incidents/${id}/release`, { id }, analyst)).body.items).toEqual([]);
    const released = await call(containmentRoute, "GET", `/api/v1/incidents/${id}/containment`, { id }, analyst);
    expect(released.body.rows.find((r: { layer: string }) => r.layer === "workload").state).toBe("released");
  });

  it("releases a firewall isolation only with a reviewed undo plan and another person's approval", async () => {
    const pod = await compromisedPod();
    const opened = await call(openRoute, "POST", "/api/v1/incidents", {}, analyst, { cluster: PAYMENTS, namespace: "shop", pod, title: "Miner, release" });
    const id = opened.body.id as string;
    const s = (stepId: string) => ({ p: { id, stepId }, u: `/api/v1/incidents/${id}/steps/${stepId}` });
    const run = async (stepId: string, params?: Record<string, unknown>) => {
      const x = s(stepId);
      const plan = await call(planRoute, "POST", `${x.u}/plan`, x.p, analyst, params ? { params } : {});
      const done = await call(executeRoute, "POST", `${x.u}/execute`, x.p, analyst, { planHash: plan.body.planHash, ...(params ? { params } : {}) });
      expect(done.status, JSON.stringify(done.body)).toBe(200);
    };
    await run("protect-node");
    await run("firewall-isolate", { sshSourceRange: "203.0.113.7/32" });
    const fw = s("firewall-isolate");

    // Before: one analyst with an empty body removed the isolation. Now: the undo plan's hash is required.
    const empty = await call(undoRoute, "POST", `${fw.u}/undo`, fw.p, analyst, {});
    expect(empty.status).toBe(400);
    expect(empty.body.error.fieldErrors).toHaveProperty("planHash");
    const plan = await call(undoPlanRoute, "POST", `${fw.u}/undo/plan`, fw.p, analyst);
    expect(plan.status).toBe(200);
    expect(plan.body).toMatchObject({ operation: "undo", requiresApproval: true, planHash: expect.stringMatching(/^[0-9a-f]{64}$/) });
    const unapproved = await call(undoRoute, "POST", `${fw.u}/undo`, fw.p, analyst, { planHash: plan.body.planHash });
    expect(unapproved.status).toBe(403);
    expect(unapproved.body.error.message).toMatch(/requires an approver's sign-off/);

    // The approver who will sign off sees what the release restores: the same undo plan, and
    // planning it writes nothing to the cluster.
    const since = await simRequestSeq(sim);
    const seen = await call(undoPlanRoute, "POST", `${fw.u}/undo/plan`, fw.p, approver);
    expect(seen.status, JSON.stringify(seen.body)).toBe(200);
    expect(seen.body).toMatchObject({ planHash: plan.body.planHash, restores: plan.body.restores, requiresApproval: true });
    expect(await simWritesSince(sim, since)).toEqual([]);

    const asked = await call(requestApprovalRoute, "POST", `${fw.u}/approvals`, fw.p, analyst, {
      planHash: plan.body.planHash,
      reason: "Host rebuilt, release it",
      operation: "undo",
    });
    expect(asked.status, JSON.stringify(asked.body)).toBe(201);
    expect(asked.body).toMatchObject({ operation: "undo", status: "pending" });
    const approvalId = asked.body.id as string;
    const ok = await call(approveRoute, "POST", `/api/v1/approvals/${approvalId}/approve`, { approvalId }, approver, { comment: "go" });
    expect(ok.status).toBe(200);
    // Signing off is not running: the approver cannot release it itself, even with the approved plan.
    await armTripwire(sim);
    const byApprover = await call(undoRoute, "POST", `${fw.u}/undo`, fw.p, approver, { planHash: plan.body.planHash });
    expect(byApprover.status).toBe(403);
    expect(byApprover.body.error.message).toBe("Your role does not allow this");
    expect(await tripwireStillArmed(sim, PAYMENTS)).toBe(true);
    const released = await call(undoRoute, "POST", `${fw.u}/undo`, fw.p, analyst, { planHash: plan.body.planHash });
    expect(released.status, JSON.stringify(released.body)).toBe(200);
    expect(released.body).toMatchObject({ operation: "undo", outcome: "success", verify: { holds: false } });
  });
});
