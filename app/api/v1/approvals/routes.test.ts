import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { setClockForTests } from "@/lib/approvals/clock";
import { installApprovals } from "@/lib/approvals/install";
import { cast, incidentWithEvidence } from "@/lib/approvals/testing";
import { compromisedPod, PAYMENTS, resetSim, startSim } from "@/lib/containment/steps/support/testing";
import { freshDb } from "@/lib/containment/testing";
import { kubeApis } from "@/lib/kube/clients";
import type { Db } from "@/lib/store";
import type { SimProcess } from "@/sim/test/harness";
import { POST as executeRoute } from "../incidents/[id]/steps/[stepId]/execute/route";
import { callRoute as call, type Json } from "../testing";
import { POST as planRoute } from "../incidents/[id]/steps/[stepId]/plan/route";
import { GET as timelineRoute } from "../incidents/[id]/timeline/route";
import { GET as stepApprovalsRoute, POST as requestRoute } from "../incidents/[id]/steps/[stepId]/approvals/route";
import { POST as approveRoute } from "./[approvalId]/approve/route";
import { POST as rejectRoute } from "./[approvalId]/reject/route";
import { GET as getRoute } from "./[approvalId]/route";
import { GET as listRoute } from "./route";

// Every approval rule through the route handlers, with real tokens and the simulator's real
// delete-pod (and, for two approvals, scale-to-zero) plans.
type Body = Json;

let sim: SimProcess;
let db: Db;
let close: () => Promise<void>;
let people: Awaited<ReturnType<typeof cast>>;
let clock: Date | null = null;

beforeAll(async () => {
  process.env.APPROVAL_POLICY = JSON.stringify({ steps: { "scale-to-zero": 2 } });
  sim = await startSim();
  ({ db, close } = await freshDb());
  people = await cast(db);
  installApprovals();
  setClockForTests(() => clock ?? new Date());
});
afterAll(async () => {
  setClockForTests(undefined);
  delete process.env.APPROVAL_POLICY;
  await close?.();
  await sim?.stop();
});

const stepUrl = (id: string, stepId: string) => ({ p: { id, stepId }, u: `/api/v1/incidents/${id}/steps/${stepId}` });
const plan = (id: string, stepId: string, token: string) => call(planRoute, "POST", `${stepUrl(id, stepId).u}/plan`, { id, stepId }, token, {});
const request = (id: string, stepId: string, token: string | undefined, body: unknown) =>
  call(requestRoute, "POST", `${stepUrl(id, stepId).u}/approvals`, { id, stepId }, token, body);
const decide = (verb: "approve" | "reject", approvalId: string, token: string | undefined, comment?: string) =>
  call(
    verb === "approve" ? approveRoute : rejectRoute,
    "POST",
    `/api/v1/approvals/${approvalId}/${verb}`,
    { approvalId },
    token,
    comment === undefined ? {} : { comment },
  );
const execute = (id: string, stepId: string, token: string, body: Body) =>
  call(executeRoute, "POST", `${stepUrl(id, stepId).u}/execute`, { id, stepId }, token, body);
const getOne = (approvalId: string, token: string) => call(getRoute, "GET", `/api/v1/approvals/${approvalId}`, { approvalId }, token);
const list = (token: string | undefined, status?: string) => call(listRoute, "GET", `/api/v1/approvals${status ? `?status=${status}` : ""}`, {}, token);

/** Plans delete-pod as the lead and requests approval for exactly that plan. */
async function requested(incidentId: string, by = people.lead, stepId = "delete-pod") {
  const p = await plan(incidentId, stepId, by.token);
  expect(p.status, JSON.stringify(p.body)).toBe(200);
  const r = await request(incidentId, stepId, by.token, { planHash: p.body.planHash, reason: "Miner still running after isolation" });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return { planHash: p.body.planHash as string, approval: r.body };
}

describe("approvals API", () => {
  let incidentId: string;
  let pod: string;
  beforeAll(async () => {
    incidentId = (await incidentWithEvidence(people.lead.caller)).id;
    pod = await compromisedPod();
  });

  it("checks the caller, the role and the body before anything else", async () => {
    const p = await plan(incidentId, "delete-pod", people.lead.token);
    const good = { planHash: p.body.planHash, reason: "Miner still running" };
    expect((await request(incidentId, "delete-pod", undefined, good)).status).toBe(401);
    expect((await request(incidentId, "delete-pod", people.nobody.token, good)).status).toBe(403);
    const bad = await request(incidentId, "delete-pod", people.lead.token, { planHash: "abc", reason: "" });
    expect(bad.status).toBe(400);
    expect(Object.keys(bad.body.error.fieldErrors)).toEqual(expect.arrayContaining(["planHash", "reason"]));
    expect((await list(undefined)).status).toBe(401);
    expect((await list(people.analyst.token)).status).toBe(403);
    expect((await list(people.lead.token)).status).toBe(200);
    expect((await list(people.approver.token, "nonsense")).status).toBe(400);

    const { approval } = await requested(incidentId, people.analyst);
    expect(approval).toMatchObject({
      status: "pending",
      requestedBy: "analyst@x.com",
      requiredApprovals: 1,
      plan: { risk: "destructive", commands: [expect.stringContaining(`delete pod ${pod}`)] },
    });
    expect((await decide("approve", approval.id, people.analyst.token, "ok")).status).toBe(403);
    expect((await decide("approve", approval.id, people.lead.token, "ok")).status).toBe(403);
    expect((await decide("reject", approval.id, people.nobody.token, "no")).status).toBe(403);
    expect((await decide("approve", "not-an-id", people.approver.token, "ok")).status).toBe(400);
    expect((await decide("approve", "00000000-0000-0000-0000-000000000000", people.approver.token, "ok")).status).toBe(404);
    expect((await getOne(approval.id, people.analyst.token)).body.status).toBe("pending");
    // Clean up for the next test: a rejected request no longer blocks a new one.
    expect((await decide("reject", approval.id, people.approver.token, "superseded")).status).toBe(200);
  });

  it("refuses a planHash that is not the current plan (409)", async () => {
    const r = await request(incidentId, "delete-pod", people.lead.token, { planHash: "0".repeat(64), reason: "stale" });
    expect(r.status).toBe(409);
    expect(r.body.error.reason).toBe("plan-changed");
    expect((await request(incidentId, "cordon-node", people.lead.token, { planHash: "0".repeat(64), reason: "not gated" })).body.error.reason).toBe(
      "approval-not-required",
    );
  });

  it("never lets the requester approve their own request, even holding the approver role", async () => {
    const { approval } = await requested(incidentId, people.leadApprover);
    const self = await decide("approve", approval.id, people.leadApprover.token, "looks fine to me");
    expect(self.status).toBe(403);
    expect(self.body.error.reason).toBe("self-approval");
    expect((await getOne(approval.id, people.approver.token)).body).toMatchObject({ status: "pending", decisions: [] });
    expect((await decide("reject", approval.id, people.approver.token, "wrong incident")).status).toBe(200);
  });

  it("a rejected request cannot be executed, nor decided again", async () => {
    const { planHash, approval } = await requested(incidentId);
    const noComment = await decide("reject", approval.id, people.approver.token);
    expect(noComment.status).toBe(400);
    expect(noComment.body.error.fieldErrors).toHaveProperty("comment");
    const rejected = await decide("reject", approval.id, people.approver.token, "Collect the node disk snapshot first");
    expect(rejected.status).toBe(200);
    expect(rejected.body).toMatchObject({ status: "rejected", decisions: [{ approver: "approver@x.com", decision: "reject" }] });
    const again = await decide("approve", approval.id, people.approver2.token, "overrule");
    expect(again.status).toBe(409);
    const exec = await execute(incidentId, "delete-pod", people.lead.token, { planHash, confirm: pod });
    expect(exec.status).toBe(403);
    expect(exec.body.error).toMatchObject({ reason: "approval-rejected", message: expect.stringContaining("Collect the node disk snapshot first") });
    expect((await list(people.approver.token, "rejected")).body.items.map((a: Body) => a.id)).toContain(approval.id);
  });

  it("expires requests after the TTL and writes approval-expired once", async () => {
    const { planHash, approval } = await requested(incidentId);
    expect((await list(people.approver.token, "pending")).body.items.map((a: Body) => a.id)).toContain(approval.id);
    clock = new Date(Date.now() + 31 * 60_000);
    try {
      expect((await list(people.approver.token, "pending")).body.items.map((a: Body) => a.id)).not.toContain(approval.id);
      const late = await decide("approve", approval.id, people.approver.token, "sorry, late");
      expect(late.status).toBe(409);
      expect(late.body.error.reason).toBe("approval-expired");
      expect((await getOne(approval.id, people.lead.token)).body.status).toBe("expired");
      const exec = await execute(incidentId, "delete-pod", people.lead.token, { planHash, confirm: pod });
      expect(exec.status).toBe(403);
      expect(exec.body.error.reason).toBe("approval-expired");
    } finally {
      clock = null;
    }
    const timeline = await call(timelineRoute, "GET", `/api/v1/incidents/${incidentId}/timeline`, { id: incidentId }, people.lead.token);
    const expired = timeline.body.items.filter((e: Body) => e.kind === "approval-expired" && e.details.approvalId === approval.id);
    expect(expired).toHaveLength(1);
    expect(expired[0]).toMatchObject({ actor: "airlock", planHash, stepId: "delete-pod" });
  });

  it("binds the approval to the plan hash: once the live plan changes, execution needs a new approval (409)", async () => {
    const { planHash, approval } = await requested(incidentId);
    expect((await decide("approve", approval.id, people.approver.token, "go")).body.status).toBe("approved");
    // The world moves: someone deletes the pod out of band, so the live delete-pod plan is now a no-op.
    await kubeApis(PAYMENTS).core.deleteNamespacedPod({ name: pod, namespace: "shop", gracePeriodSeconds: 0 });
    const stale = await execute(incidentId, "delete-pod", people.lead.token, { planHash, confirm: pod });
    expect(stale.status).toBe(409);
    expect(stale.body.error.message).toMatch(/needs a new approval/);
    const fresh = await plan(incidentId, "delete-pod", people.lead.token);
    expect(fresh.body.planHash).not.toBe(planHash);
    const other = await execute(incidentId, "delete-pod", people.lead.token, { planHash: fresh.body.planHash, confirm: pod });
    expect(other.status).toBe(409);
    expect(other.body.error).toMatchObject({ reason: "approval-stale", message: expect.stringMatching(/needs a new approval/) });
  });

  it("runs delete-pod once an approver signed off this exact plan, and logs every event", async () => {
    await resetSim(sim);
    const inc = await incidentWithEvidence(people.lead.caller);
    const livePod = inc.targets.pod;
    const { planHash, approval } = await requested(inc.id, people.analyst);
    const early = await execute(inc.id, "delete-pod", people.lead.token, { planHash, confirm: livePod });
    expect(early.status).toBe(403);
    expect(early.body.error.reason).toBe("approval-pending");
    const ok = await decide("approve", approval.id, people.approver.token, "Evidence is in; go ahead");
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({
      status: "approved",
      decisions: [{ approver: "approver@x.com", decision: "approve", comment: "Evidence is in; go ahead" }],
    });
    const steps = await call(
      stepApprovalsRoute,
      "GET",
      `${stepUrl(inc.id, "delete-pod").u}/approvals`,
      { id: inc.id, stepId: "delete-pod" },
      people.analyst.token,
    );
    expect(steps.body.items[0]).toMatchObject({ id: approval.id, status: "approved" });

    const done = await execute(inc.id, "delete-pod", people.lead.token, { planHash, confirm: livePod });
    expect(done.status, JSON.stringify(done.body)).toBe(200);
    // The pod may still be terminating (grace period): what matters here is that the approved plan ran.
    expect(done.body).toMatchObject({ outcome: "success", message: `Pod ${livePod} deleted.` });

    const timeline = (await call(timelineRoute, "GET", `/api/v1/incidents/${inc.id}/timeline`, { id: inc.id }, people.lead.token)).body.items as Body[];
    const req = timeline.find((e) => e.kind === "approval-requested");
    const appr = timeline.find((e) => e.kind === "approval-approved");
    expect(req).toMatchObject({
      actor: "analyst@x.com",
      role: "analyst",
      planHash,
      stepId: "delete-pod",
      details: { approvalId: approval.id, reason: "Miner still running after isolation" },
    });
    expect(appr).toMatchObject({
      actor: "approver@x.com",
      role: "approver",
      planHash,
      details: { approvalId: approval.id, comment: "Evidence is in; go ahead", status: "approved" },
    });
    expect(timeline.find((e) => e.kind === "intent" && e.stepId === "delete-pod")?.details.approvalId).toBe(approval.id);
  });

  it("two-approval steps need two different approvers, neither the requester", async () => {
    await resetSim(sim);
    const inc = await incidentWithEvidence(people.leadApprover.caller);
    const { planHash, approval } = await requested(inc.id, people.leadApprover, "scale-to-zero");
    expect(approval.requiredApprovals).toBe(2);
    expect((await decide("approve", approval.id, people.approver.token, "one")).body.status).toBe("pending");
    expect((await decide("approve", approval.id, people.approver.token, "one again")).status).toBe(409);
    expect((await decide("approve", approval.id, people.leadApprover.token, "mine")).status).toBe(403);
    const half = await execute(inc.id, "scale-to-zero", people.leadApprover.token, { planHash, confirm: inc.targets.pod });
    expect(half.status).toBe(403);
    expect(half.body.error).toMatchObject({ reason: "approval-pending", message: expect.stringContaining("1 of 2") });
    expect((await decide("approve", approval.id, people.approver2.token, "two")).body).toMatchObject({ status: "approved", decisions: [{}, {}] });
    const ran = await execute(inc.id, "scale-to-zero", people.leadApprover.token, { planHash, confirm: inc.targets.pod });
    expect(ran.status, JSON.stringify(ran.body)).toBe(200);
  });
});
