import { afterAll, beforeAll, expect, it, vi } from "vitest";
import { setClockForTests } from "@/lib/approvals/clock";
import { installApprovals } from "@/lib/approvals/install";
import { cast, incidentWithEvidence } from "@/lib/approvals/testing";
import type { Caller } from "@/lib/auth";
import { PAYMENTS, startSim } from "@/lib/containment/steps/support/testing";
import { freshDb } from "@/lib/containment/testing";
import type { Incident } from "@/lib/containment/types";
import { kubeApis } from "@/lib/kube/clients";
import type { SimProcess } from "@/sim/test/harness";
import { executeStepAction } from "@/app/incidents/actions/execute-step";
import { planStepAction } from "@/app/incidents/actions/plan-step";
import { approveAction } from "./approve";
import { rejectAction } from "./reject";
import { requestApprovalAction } from "./request-approval";

// The same rules through the UI's door: the foundation's action() wrapper with a faked session.
const who = vi.hoisted(() => ({ caller: null as Caller | null }));
vi.mock("@/lib/auth", async (importOriginal) => ({
  ...(await importOriginal<typeof import("@/lib/auth")>()),
  getCaller: async () => who.caller,
}));
vi.mock("next/cache", () => ({ revalidatePath: () => {} }));

let sim: SimProcess;
let close: () => Promise<void>;
let people: Awaited<ReturnType<typeof cast>>;
let incident: Incident;
let clock: Date | null = null;

beforeAll(async () => {
  process.env.APPROVAL_POLICY = JSON.stringify({ steps: { "scale-to-zero": 2 } });
  sim = await startSim();
  let db;
  ({ db, close } = await freshDb());
  people = await cast(db);
  installApprovals();
  setClockForTests(() => clock ?? new Date());
  incident = await incidentWithEvidence(people.lead.caller);
});
afterAll(async () => {
  setClockForTests(undefined);
  delete process.env.APPROVAL_POLICY;
  await close?.();
  await sim?.stop();
});

const as = (p: { caller: Caller }) => (who.caller = p.caller);

async function planned(stepId = "delete-pod") {
  const r = await planStepAction({ id: incident.id, stepId });
  if (!r.ok) throw new Error(r.message);
  return r.data.planHash;
}

async function requested(by = people.lead, stepId = "delete-pod") {
  as(by);
  const planHash = await planned(stepId);
  const r = await requestApprovalAction({ id: incident.id, stepId, planHash, reason: "Miner still running" });
  if (!r.ok) throw new Error(r.message);
  return { planHash, id: r.data.id };
}

it("checks the session and the role in every action, and validates input", async () => {
  who.caller = null;
  expect(await requestApprovalAction({ id: incident.id, stepId: "delete-pod", planHash: "0".repeat(64), reason: "x" })).toMatchObject({
    ok: false,
    message: expect.stringMatching(/sign in/i),
  });
  as(people.nobody);
  expect(await requestApprovalAction({ id: incident.id, stepId: "delete-pod", planHash: "0".repeat(64), reason: "why" })).toEqual({
    ok: false,
    message: "Your role does not allow this",
  });
  as(people.lead);
  expect(await requestApprovalAction({ id: incident.id, stepId: "delete-pod", planHash: "nope", reason: "" })).toMatchObject({
    ok: false,
    fieldErrors: { planHash: expect.any(Array), reason: expect.any(Array) },
  });
  const { id } = await requested();
  for (const p of [people.analyst, people.lead, people.nobody]) {
    as(p);
    expect(await approveAction({ approvalId: id, comment: "ok" })).toEqual({ ok: false, message: "Your role does not allow this" });
  }
  as(people.approver);
  const fd = new FormData();
  fd.set("approvalId", id);
  fd.set("comment", "");
  expect(await rejectAction(null, fd)).toMatchObject({ ok: false, fieldErrors: { comment: expect.any(Array) } });
  fd.set("comment", "superseded");
  expect(await rejectAction(null, fd)).toMatchObject({ ok: true, data: { status: "rejected" } });
});

it("refuses self-approval, even by a requester holding the approver role", async () => {
  const { id } = await requested(people.leadApprover);
  as(people.leadApprover);
  expect(await approveAction({ approvalId: id, comment: "fine by me" })).toEqual({
    ok: false,
    message: "You requested this approval; another approver must decide it",
  });
  as(people.approver2);
  expect(await rejectAction({ approvalId: id, comment: "not this way" })).toMatchObject({ ok: true });
});

it("refuses a plan hash that is not the current plan", async () => {
  as(people.lead);
  const r = await requestApprovalAction({ id: incident.id, stepId: "delete-pod", planHash: "f".repeat(64), reason: "stale plan" });
  expect(r).toEqual({ ok: false, message: "The plan changed since you reviewed it; review the new plan and request approval for it" });
});

it("a rejected plan cannot be executed and a decided request cannot be decided again", async () => {
  const { id, planHash } = await requested();
  as(people.approver);
  expect(await rejectAction({ approvalId: id, comment: "Snapshot the disk first" })).toMatchObject({ ok: true, data: { status: "rejected" } });
  as(people.approver2);
  expect(await approveAction({ approvalId: id, comment: "overrule" })).toEqual({ ok: false, message: "This approval request was already rejected" });
  as(people.lead);
  const r = await executeStepAction({ id: incident.id, stepId: "delete-pod", planHash, confirm: incident.targets.pod });
  expect(r).toMatchObject({ ok: false, message: expect.stringMatching(/rejected by approver@x\.com: Snapshot the disk first/) });
});

it("treats an expired approval as none", async () => {
  const { id, planHash } = await requested();
  as(people.approver);
  expect(await approveAction({ approvalId: id, comment: "go" })).toMatchObject({ ok: true, data: { status: "approved" } });
  clock = new Date(Date.now() + 31 * 60_000);
  try {
    as(people.lead);
    const r = await executeStepAction({ id: incident.id, stepId: "delete-pod", planHash, confirm: incident.targets.pod });
    expect(r).toEqual({ ok: false, message: "The approval for this plan has expired; request a new approval" });
  } finally {
    clock = null;
  }
});

it("once the live plan changes, an approved delete-pod needs a new approval", async () => {
  const { id, planHash } = await requested(people.analyst);
  as(people.approver);
  expect(await approveAction({ approvalId: id, comment: "go" })).toMatchObject({ ok: true });
  // Replace the world under the approval: the pod is deleted out of band.
  await kubeApis(PAYMENTS).core.deleteNamespacedPod({ name: incident.targets.pod, namespace: "shop", gracePeriodSeconds: 0 });
  as(people.lead);
  const r = await executeStepAction({ id: incident.id, stepId: "delete-pod", planHash, confirm: incident.targets.pod });
  expect(r).toMatchObject({ ok: false, message: expect.stringMatching(/needs a new approval/) });
});

it("two-approval steps: two different approvers, then the step runs", async () => {
  const { id, planHash } = await requested(people.leadApprover, "scale-to-zero");
  as(people.approver);
  expect(await approveAction({ approvalId: id, comment: "first" })).toMatchObject({ ok: true, data: { status: "pending", requiredApprovals: 2 } });
  expect(await approveAction({ approvalId: id, comment: "first again" })).toMatchObject({ ok: false, message: expect.stringMatching(/already approved/) });
  as(people.approver2);
  expect(await approveAction({ approvalId: id, comment: "second" })).toMatchObject({ ok: true, data: { status: "approved" } });
  as(people.leadApprover);
  const r = await executeStepAction({ id: incident.id, stepId: "scale-to-zero", planHash, confirm: incident.targets.pod });
  expect(r, JSON.stringify(r)).toMatchObject({ ok: true, data: { outcome: "success" } });
});
