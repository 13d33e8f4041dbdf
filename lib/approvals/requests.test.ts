import { afterAll, beforeAll, beforeEach, expect, it } from "vitest";
import { listEntries } from "@/lib/audit/append";
import { resetConfigForTests } from "@/lib/config";
import { executeStep, planStep } from "@/lib/containment/executor";
import { setTestSteps } from "@/lib/containment/registry";
import { caller, freshDb, givenIncident } from "@/lib/containment/testing";
import type { StepDefinition } from "@/lib/containment/types";
import type { Db } from "@/lib/store";
import { setClockForTests } from "./clock";
import { CONSOLE_GATES, installApprovals } from "./install";
import { approvalForExecution, decideApproval, getApproval, listApprovals, requestApproval } from "./requests";

// Service-level rules with a fake destructive step whose plan a test can change at will; the
// API and action tests repeat the rules against the simulator's real delete-pod plans.
let target = "pod-a";
let wiped = 0;
const wipe: StepDefinition = {
  id: "fake-wipe",
  stage: "isolate",
  title: "Fake wipe",
  risk: "destructive",
  role: "analyst",
  summary: "wipes a fake pod",
  async plan() {
    return {
      changes: [{ target: `Pod ${target}`, action: "delete" }],
      commands: [`kubectl delete pod ${target}`],
      warnings: [{ level: "danger", code: "evidence-loss", message: "gone for good" }],
      data: {},
    };
  },
  async execute() {
    wiped++;
    return { outcome: "success", message: "wiped" };
  },
  async verify() {
    return { holds: wiped > 0, message: "checked" };
  },
};
const twice: StepDefinition = { ...wipe, id: "fake-twice", title: "Fake twice" };

const analyst = caller("analyst@x.com", "analyst");
const approver = caller("approver@x.com", "approver");
const approver2 = caller("approver2@x.com", "approver");
const analystApprover = caller("both@x.com", "analyst", "approver");
const lead = caller("lead@x.com", "lead");

let db: Db;
let close: () => Promise<void>;
let clock = new Date("2030-01-01T00:00:00Z");
const advance = (minutes: number) => (clock = new Date(clock.getTime() + minutes * 60_000));

beforeAll(async () => {
  process.env.APPROVAL_POLICY = JSON.stringify({ steps: { "fake-twice": 2 } });
  resetConfigForTests();
  ({ db, close } = await freshDb());
  setTestSteps([wipe, twice]);
  installApprovals();
  setClockForTests(() => clock);
});
afterAll(async () => {
  setClockForTests(undefined);
  setTestSteps(undefined);
  delete process.env.APPROVAL_POLICY;
  resetConfigForTests();
  await close();
});
beforeEach(() => {
  target = "pod-a";
});

async function planned(by = analyst, stepId = "fake-wipe") {
  const inc = await givenIncident(by);
  const plan = await planStep(by, inc.id, stepId);
  return { inc, plan };
}

async function refusal(p: Promise<unknown>): Promise<{ status: number; reason?: string; message: string }> {
  try {
    await p;
  } catch (e) {
    const err = e as { status: number; reason?: string; message: string };
    return { status: err.status, reason: err.reason, message: err.message };
  }
  throw new Error("expected a refusal");
}

it("stores the plan as the approver will see it and writes approval-requested", async () => {
  const { inc, plan } = await planned();
  expect(plan.requiresApproval).toBe(true);
  const a = await requestApproval(analyst, inc.id, "fake-wipe", { planHash: plan.planHash, reason: "miner still running" });
  expect(a).toMatchObject({
    status: "pending",
    requestedBy: "analyst@x.com",
    requiredApprovals: 1,
    planHash: plan.planHash,
    plan: {
      changes: [{ target: "Pod pod-a", action: "delete" }],
      commands: ["kubectl delete pod pod-a"],
      warnings: [{ code: "evidence-loss" }],
      risk: "destructive",
    },
    expiresAt: "2030-01-01T00:30:00.000Z",
  });
  const entry = (await listEntries(db, { incidentId: inc.id })).find((e) => e.kind === "approval-requested");
  expect(entry).toMatchObject({
    actor: "analyst@x.com",
    role: "analyst",
    planHash: plan.planHash,
    stepId: "fake-wipe",
    details: { approvalId: a.id, reason: "miner still running" },
  });
  // One open request per plan.
  expect(await refusal(requestApproval(analyst, inc.id, "fake-wipe", { planHash: plan.planHash, reason: "again" }))).toMatchObject({
    status: 409,
    reason: "approval-pending",
  });
});

it("refuses a request for a plan hash that is not the current plan", async () => {
  const { inc, plan } = await planned();
  target = "pod-b";
  expect(await refusal(requestApproval(analyst, inc.id, "fake-wipe", { planHash: plan.planHash, reason: "stale" }))).toMatchObject({
    status: 409,
    reason: "plan-changed",
  });
});

it("refuses a step the policy does not gate", async () => {
  setTestSteps([wipe, twice, { ...wipe, id: "fake-soft", risk: "reversible" }]);
  const inc = await givenIncident(analyst);
  const plan = await planStep(analyst, inc.id, "fake-soft");
  expect(plan.requiresApproval).toBe(false);
  expect(await refusal(requestApproval(analyst, inc.id, "fake-soft", { planHash: plan.planHash, reason: "why not" }))).toMatchObject({
    status: 409,
    reason: "approval-not-required",
  });
  setTestSteps([wipe, twice]);
});

it("never lets the requester approve their own request, even holding the approver role", async () => {
  const { inc, plan } = await planned(analystApprover);
  const a = await requestApproval(analystApprover, inc.id, "fake-wipe", { planHash: plan.planHash, reason: "self" });
  expect(await refusal(decideApproval(analystApprover, a.id, "approve", "lgtm"))).toMatchObject({ status: 403, reason: "self-approval" });
  expect(await refusal(decideApproval(lead, a.id, "approve", "lgtm"))).toMatchObject({ status: 403, reason: "role" });
  expect((await getApproval(a.id)).status).toBe("pending");
});

it("binds the approval to the plan hash: a changed plan needs a new approval", async () => {
  const { inc, plan } = await planned();
  const a = await requestApproval(analyst, inc.id, "fake-wipe", { planHash: plan.planHash, reason: "go" });
  const approved = await decideApproval(approver, a.id, "approve", "ok");
  expect(approved).toMatchObject({ status: "approved", decisions: [{ approver: "approver@x.com", decision: "approve", comment: "ok" }] });
  expect(await refusal(decideApproval(approver2, a.id, "approve", "me too"))).toMatchObject({ status: 409, reason: "already-decided" });

  target = "pod-b";
  const stale = await refusal(executeStep(analyst, inc.id, "fake-wipe", { planHash: plan.planHash, confirm: inc.targets.pod }, CONSOLE_GATES));
  expect(stale).toMatchObject({ status: 409, reason: "plan-changed" });
  expect(stale.message).toMatch(/needs a new approval/);
  const fresh = await planStep(analyst, inc.id, "fake-wipe");
  const other = await refusal(executeStep(analyst, inc.id, "fake-wipe", { planHash: fresh.planHash, confirm: inc.targets.pod }, CONSOLE_GATES));
  expect(other).toMatchObject({ status: 409, reason: "approval-stale" });
  expect(other.message).toMatch(/needs a new approval/);

  target = "pod-a";
  const before = wiped;
  const ran = await executeStep(analyst, inc.id, "fake-wipe", { planHash: plan.planHash, confirm: inc.targets.pod }, CONSOLE_GATES);
  expect(ran.outcome).toBe("success");
  expect(wiped).toBe(before + 1);
  const intent = (await listEntries(db, { incidentId: inc.id })).find((e) => e.kind === "intent");
  expect(intent?.details.approvalId).toBe(a.id);
});

it("a rejected request cannot be executed", async () => {
  const { inc, plan } = await planned();
  const a = await requestApproval(analyst, inc.id, "fake-wipe", { planHash: plan.planHash, reason: "go" });
  expect(await refusal(decideApproval(approver, a.id, "reject", ""))).toMatchObject({ status: 400 });
  const r = await decideApproval(approver, a.id, "reject", "collect evidence first");
  expect(r.status).toBe("rejected");
  expect(await refusal(decideApproval(approver2, a.id, "approve", "overrule"))).toMatchObject({ status: 409, reason: "already-decided" });
  const refused = await refusal(executeStep(analyst, inc.id, "fake-wipe", { planHash: plan.planHash, confirm: inc.targets.pod }, CONSOLE_GATES));
  expect(refused).toMatchObject({ status: 403, reason: "approval-rejected" });
  expect(refused.message).toMatch(/collect evidence first/);
  const kinds = (await listEntries(db, { incidentId: inc.id })).map((e) => e.kind);
  expect(kinds).toContain("approval-rejected");
});

it("expires pending requests and granted approvals, logging approval-expired once", async () => {
  const { inc, plan } = await planned();
  const a = await requestApproval(analyst, inc.id, "fake-wipe", { planHash: plan.planHash, reason: "go" });
  advance(31);
  expect(await refusal(decideApproval(approver, a.id, "approve", "late"))).toMatchObject({ status: 409, reason: "approval-expired" });
  expect((await getApproval(a.id)).status).toBe("expired");
  await listApprovals({ status: "expired" });
  expect((await listEntries(db, { incidentId: inc.id })).filter((e) => e.kind === "approval-expired")).toHaveLength(1);

  const b = await requestApproval(analyst, inc.id, "fake-wipe", { planHash: plan.planHash, reason: "again" });
  advance(20);
  const granted = await decideApproval(approver, b.id, "approve", "ok");
  expect(new Date(granted.expiresAt).getTime()).toBe(clock.getTime() + 30 * 60_000);
  advance(29);
  expect(await approvalForExecution(inc.id, "fake-wipe", plan.planHash)).toMatchObject({ id: b.id, status: "approved" });
  advance(2);
  expect(await refusal(executeStep(analyst, inc.id, "fake-wipe", { planHash: plan.planHash, confirm: inc.targets.pod }, CONSOLE_GATES))).toMatchObject({
    status: 403,
    reason: "approval-expired",
  });
  const expired = (await listEntries(db, { incidentId: inc.id })).filter((e) => e.kind === "approval-expired");
  expect(expired).toHaveLength(2);
  expect(expired[1]).toMatchObject({ actor: "airlock", planHash: plan.planHash, details: { approvalId: b.id, was: "approved" } });
  expect((await listApprovals({ status: "pending", incidentId: inc.id })).map((x) => x.id)).toEqual([]);
});

it("two-approval steps need two different approvers, neither the requester", async () => {
  const { inc, plan } = await planned(analystApprover, "fake-twice");
  const a = await requestApproval(analystApprover, inc.id, "fake-twice", { planHash: plan.planHash, reason: "two keys" });
  expect(a.requiredApprovals).toBe(2);
  expect((await decideApproval(approver, a.id, "approve", "one")).status).toBe("pending");
  expect(await refusal(decideApproval(approver, a.id, "approve", "one again"))).toMatchObject({ status: 409 });
  expect(await refusal(decideApproval(analystApprover, a.id, "approve", "mine"))).toMatchObject({ status: 403, reason: "self-approval" });
  expect(await refusal(executeStep(analystApprover, inc.id, "fake-twice", { planHash: plan.planHash, confirm: inc.targets.pod }, CONSOLE_GATES))).toMatchObject(
    {
      status: 403,
      reason: "approval-pending",
    },
  );
  const done = await decideApproval(approver2, a.id, "approve", "two");
  expect(done.status).toBe("approved");
  expect((await approvalForExecution(inc.id, "fake-twice", plan.planHash))?.approvedBy.sort()).toEqual(["approver2@x.com", "approver@x.com"]);
  expect((await executeStep(analystApprover, inc.id, "fake-twice", { planHash: plan.planHash, confirm: inc.targets.pod }, CONSOLE_GATES)).outcome).toBe(
    "success",
  );
});

it("lets concurrent approvers of a one-approval request decide it once", async () => {
  const { inc, plan } = await planned();
  const a = await requestApproval(analyst, inc.id, "fake-wipe", { planHash: plan.planHash, reason: "race" });
  const results = await Promise.allSettled([decideApproval(approver, a.id, "approve", "a"), decideApproval(approver2, a.id, "reject", "no way")]);
  expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
  expect((await getApproval(a.id)).decisions).toHaveLength(1);
});
