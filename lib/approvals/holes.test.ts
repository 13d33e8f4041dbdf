import { afterAll, beforeAll, beforeEach, expect, it } from "vitest";
import { z } from "zod";
import { listEntries } from "@/lib/audit/append";
import { resetConfigForTests } from "@/lib/config";
import { executeStep, planStep, planUndo, undoStep } from "@/lib/containment/executor";
import { setTestSteps } from "@/lib/containment/registry";
import { caller, freshDb, givenIncident } from "@/lib/containment/testing";
import type { StepDefinition } from "@/lib/containment/types";
import type { Db } from "@/lib/store";
import { CONSOLE_GATES, installApprovals } from "./install";
import { decideApproval, requestApproval } from "./requests";

// The approval holes of issue 15, each closed here: risk raised by the plan, undo governed like
// execute, params validated before they are stored, single-use approvals.
let mode: "patch" | "delete" = "patch";
let isolated = false;
let podGone = false;
let calls = 0;

/** Raises itself to destructive in delete mode, as detach-services does. */
const svc: StepDefinition = {
  id: "fake-svc",
  stage: "services",
  title: "Fake services",
  risk: "disruptive",
  role: "analyst",
  summary: "patches or deletes a Service",
  params: z.object({ mode: z.enum(["patch", "delete"]).default("patch") }),
  async plan(ctx) {
    const m = (ctx.params as { mode: string }).mode;
    return {
      changes: [{ target: "Service shop/checkout", action: m === "delete" ? "delete" : "patch" }],
      commands: [],
      warnings: [],
      data: {},
      ...(m === "delete" ? { raise: [{ risk: "destructive" as const, reason: "Deletes Service checkout: its load balancer IP is lost" }] } : {}),
    };
  },
  async execute() {
    calls++;
    return { outcome: "success", message: "done", record: {} };
  },
  async verify() {
    return { holds: true, message: "ok" };
  },
};

/** A network isolation whose release re-exposes the pod. */
const fence: StepDefinition = {
  id: "fake-fence",
  stage: "network",
  title: "Fake fence",
  risk: "reversible",
  role: "analyst",
  summary: "isolates",
  async plan() {
    return { changes: [{ target: "NetworkPolicy shop/deny", action: "create" }], commands: [], warnings: [], data: {} };
  },
  async execute() {
    isolated = true;
    return { outcome: "success", message: "isolated", record: { policy: "deny" } };
  },
  async verify() {
    return { holds: isolated, message: String(isolated) };
  },
  async undo() {
    isolated = false;
    return { outcome: "success", message: "released" };
  },
  async undoNoop() {
    return podGone ? "Pod shop/x no longer exists." : null;
  },
};

/** Destructive and reversible, so an approval could be replayed across run, undo, run. */
const wipe: StepDefinition = {
  ...fence,
  id: "fake-wipe",
  stage: "isolate",
  title: "Fake wipe",
  risk: "destructive",
  async execute() {
    calls++;
    return { outcome: "success", message: "wiped", record: { n: calls } };
  },
};

const read: StepDefinition = { ...fence, id: "fake-read", stage: "evidence", title: "Fake read", risk: "read-only", undo: undefined };

const analyst = caller("analyst@x.com", "analyst");
const analyst2 = caller("analyst2@x.com", "analyst");
const approver = caller("approver@x.com", "approver");

let db: Db;
let close: () => Promise<void>;

beforeAll(async () => {
  process.env.PROTECTED_NAMESPACES = "payments-core, vault";
  resetConfigForTests();
  ({ db, close } = await freshDb());
  setTestSteps([svc, fence, wipe, read]);
  installApprovals();
});
afterAll(async () => {
  setTestSteps(undefined);
  delete process.env.PROTECTED_NAMESPACES;
  delete process.env.APPROVAL_SINGLE_USE;
  resetConfigForTests();
  await close();
});
beforeEach(() => {
  mode = "patch";
  isolated = false;
  podGone = false;
  delete process.env.APPROVAL_SINGLE_USE;
});

async function refusal(p: Promise<unknown>): Promise<{ status: number; reason?: string; message: string; fieldErrors?: Record<string, string[]> }> {
  try {
    await p;
  } catch (e) {
    const err = e as { status: number; reason?: string; message: string; fieldErrors?: Record<string, string[]> };
    return { status: err.status, reason: err.reason, message: err.message, fieldErrors: err.fieldErrors };
  }
  throw new Error("expected a refusal");
}

async function approved(incidentId: string, stepId: string, planHash: string, extra: { params?: Record<string, unknown>; operation?: "undo" } = {}) {
  const a = await requestApproval(analyst, incidentId, stepId, { planHash, reason: "needed now", ...extra });
  return decideApproval(approver, a.id, "approve", "go");
}

it("raises a step's risk from its plan, with the reason, and gates it like any destructive step", async () => {
  const inc = await givenIncident(analyst);
  const patch = await planStep(analyst, inc.id, "fake-svc", { mode });
  expect(patch).toMatchObject({ risk: "disruptive", requiresApproval: false });
  expect(patch.riskReasons ?? []).toEqual([]);

  const del = await planStep(analyst, inc.id, "fake-svc", { mode: "delete" });
  expect(del).toMatchObject({ risk: "destructive", requiresApproval: true, riskReasons: ["Deletes Service checkout: its load balancer IP is lost"] });
  const input = { planHash: del.planHash, confirm: inc.targets.pod, params: { mode: "delete" } };
  expect(await refusal(executeStep(analyst, inc.id, "fake-svc", input, CONSOLE_GATES))).toMatchObject({ status: 403, reason: "approval-required" });
  const a = await approved(inc.id, "fake-svc", del.planHash, { params: { mode: "delete" } });
  expect(a.plan).toMatchObject({ risk: "destructive", riskReasons: ["Deletes Service checkout: its load balancer IP is lost"] });
  expect(await executeStep(analyst, inc.id, "fake-svc", input, CONSOLE_GATES)).toMatchObject({ outcome: "success" });
  const intent = (await listEntries(db, { incidentId: inc.id })).find((e) => e.kind === "intent");
  expect(intent?.details).toMatchObject({ risk: "destructive", riskReasons: ["Deletes Service checkout: its load balancer IP is lost"] });
});

it("raises any step on a target in kube-system or a configured namespace to destructive", async () => {
  for (const namespace of ["kube-system", "vault"]) {
    const inc = await givenIncident(analyst, { namespace });
    const p = await planStep(analyst, inc.id, "fake-fence");
    expect(p).toMatchObject({ risk: "destructive", requiresApproval: true, requiresConfirmation: true });
    expect(p.riskReasons).toEqual([expect.stringContaining(`namespace ${namespace}`)]);
    expect(await refusal(executeStep(analyst, inc.id, "fake-fence", { planHash: p.planHash, confirm: inc.targets.pod }, CONSOLE_GATES))).toMatchObject({
      status: 403,
      reason: "approval-required",
    });
  }
  const plain = await givenIncident(analyst, { namespace: "shop" });
  expect(await planStep(analyst, plain.id, "fake-fence")).toMatchObject({ risk: "reversible", requiresApproval: false });
  // Reading changes nothing: evidence in kube-system never waits for an approver.
  const sys = await givenIncident(analyst, { namespace: "kube-system" });
  expect(await planStep(analyst, sys.id, "fake-read")).toMatchObject({ risk: "read-only", requiresApproval: false });
});

it("binds the raised risk into the plan hash", async () => {
  const inc = await givenIncident(analyst, { namespace: "shop" });
  const shop = await planStep(analyst, inc.id, "fake-fence");
  const sys = await givenIncident(analyst, { namespace: "kube-system" });
  const raised = await planStep(analyst, sys.id, "fake-fence");
  // Same step, params, changes and data: only the raised risk differs, and so does the hash.
  expect(raised.planHash).not.toBe(shop.planHash);
});

it("validates approval params with the step's own schema before storing them (400 naming the field)", async () => {
  const inc = await givenIncident(analyst);
  const del = await planStep(analyst, inc.id, "fake-svc", { mode: "delete" });
  const bad = await refusal(requestApproval(analyst, inc.id, "fake-svc", { planHash: del.planHash, reason: "needed", params: { mode: "wipe-all" } }));
  expect(bad).toMatchObject({ status: 400 });
  expect(Object.keys(bad.fieldErrors ?? {})).toContain("mode");
  let deep: Record<string, unknown> = { x: "y".repeat(10_000) };
  for (let i = 0; i < 200; i++) deep = { deep };
  const extra = await refusal(requestApproval(analyst, inc.id, "fake-svc", { planHash: del.planHash, reason: "needed", params: { mode: "delete", deep } }));
  expect(extra).toMatchObject({ status: 400 });
  expect(Object.keys(extra.fieldErrors ?? {})).toContain("params.deep");
  const rows = await db.selectFrom("approval_requests").select("params").where("incident_id", "=", inc.id).execute();
  expect(rows).toEqual([]);
  const ok = await requestApproval(analyst, inc.id, "fake-svc", { planHash: del.planHash, reason: "needed", params: { mode: "delete" } });
  expect(ok.params).toEqual({ mode: "delete" });
});

it("makes an approval single-use: run, undo, run again needs a new approval", async () => {
  const inc = await givenIncident(analyst);
  const p = await planStep(analyst, inc.id, "fake-wipe");
  await approved(inc.id, "fake-wipe", p.planHash);
  const input = { planHash: p.planHash, confirm: inc.targets.pod };
  expect(await executeStep(analyst, inc.id, "fake-wipe", input, CONSOLE_GATES)).toMatchObject({ outcome: "success" });
  const u = await planUndo(analyst, inc.id, "fake-wipe");
  await undoStep(analyst, inc.id, "fake-wipe", { planHash: u.planHash, confirm: inc.targets.pod }, CONSOLE_GATES);
  const again = await planStep(analyst, inc.id, "fake-wipe");
  expect(again.planHash).toBe(p.planHash);
  expect(await refusal(executeStep(analyst, inc.id, "fake-wipe", input, CONSOLE_GATES))).toMatchObject({ status: 403, reason: "approval-used" });
  // A new request for the same plan is allowed once the old one is used.
  await approved(inc.id, "fake-wipe", p.planHash);
  expect(await executeStep(analyst, inc.id, "fake-wipe", input, CONSOLE_GATES)).toMatchObject({ outcome: "success" });
});

it("keeps approvals reusable until expiry when APPROVAL_SINGLE_USE=false", async () => {
  process.env.APPROVAL_SINGLE_USE = "false";
  const inc = await givenIncident(analyst);
  const p = await planStep(analyst, inc.id, "fake-wipe");
  await approved(inc.id, "fake-wipe", p.planHash);
  const input = { planHash: p.planHash, confirm: inc.targets.pod };
  await executeStep(analyst, inc.id, "fake-wipe", input, CONSOLE_GATES);
  const u = await planUndo(analyst, inc.id, "fake-wipe");
  await undoStep(analyst, inc.id, "fake-wipe", { planHash: u.planHash, confirm: inc.targets.pod }, CONSOLE_GATES);
  expect(await executeStep(analyst, inc.id, "fake-wipe", input, CONSOLE_GATES)).toMatchObject({ outcome: "success" });
});

it("governs the undo of a network isolation like its execution: a plan with a hash, and an approver who is not the requester", async () => {
  const inc = await givenIncident(analyst);
  const p = await planStep(analyst, inc.id, "fake-fence");
  expect(p.requiresApproval).toBe(false);
  await executeStep(analyst, inc.id, "fake-fence", { planHash: p.planHash }, CONSOLE_GATES);
  expect(isolated).toBe(true);

  // One analyst, empty body: refused, nothing released.
  expect(await refusal(undoStep(analyst, inc.id, "fake-fence", {}, CONSOLE_GATES))).toMatchObject({
    status: 400,
    fieldErrors: { planHash: expect.any(Array) },
  });
  const u = await planUndo(analyst, inc.id, "fake-fence");
  expect(u).toMatchObject({ stepId: "fake-fence", operation: "undo", requiresApproval: true, restores: { policy: "deny" } });
  expect(u.planHash).toMatch(/^[0-9a-f]{64}$/);
  expect(await refusal(undoStep(analyst, inc.id, "fake-fence", { planHash: "0".repeat(64) }, CONSOLE_GATES))).toMatchObject({
    status: 409,
    reason: "plan-changed",
  });
  expect(await refusal(undoStep(analyst, inc.id, "fake-fence", { planHash: u.planHash }, CONSOLE_GATES))).toMatchObject({
    status: 403,
    reason: "approval-required",
  });
  // An execute approval does not release, nor the requester approve their own undo.
  const a = await requestApproval(analyst, inc.id, "fake-fence", { planHash: u.planHash, reason: "all clear", operation: "undo" });
  expect(a).toMatchObject({ operation: "undo", plan: { operation: "undo" } });
  expect(await refusal(decideApproval(analyst, a.id, "approve", "mine"))).toMatchObject({ status: 403 });
  await decideApproval(approver, a.id, "approve", "ok to release");
  expect(isolated).toBe(true);
  expect(await undoStep(analyst2, inc.id, "fake-fence", { planHash: u.planHash }, CONSOLE_GATES)).toMatchObject({ operation: "undo", outcome: "success" });
  expect(isolated).toBe(false);
  const intent = (await listEntries(db, { incidentId: inc.id })).filter((e) => e.kind === "intent").at(-1);
  expect(intent?.details).toMatchObject({ operation: "undo", approvalId: a.id });
  expect(intent?.planHash).toBe(u.planHash);
});

it("asks no sign-off for a release that would change nothing, and refuses it if that changes before the undo runs", async () => {
  const inc = await givenIncident(analyst);
  const p = await planStep(analyst, inc.id, "fake-fence");
  await executeStep(analyst, inc.id, "fake-fence", { planHash: p.planHash }, CONSOLE_GATES);
  podGone = true;
  const gone = await planUndo(analyst, inc.id, "fake-fence");
  expect(gone).toMatchObject({ requiresApproval: false, noopReason: "Pod shop/x no longer exists." });
  podGone = false;
  expect(await refusal(undoStep(analyst, inc.id, "fake-fence", { planHash: gone.planHash }, CONSOLE_GATES))).toMatchObject({
    status: 403,
    reason: "approval-required",
  });
  expect(isolated).toBe(true);
  podGone = true;
  expect(await undoStep(analyst, inc.id, "fake-fence", { planHash: gone.planHash }, CONSOLE_GATES)).toMatchObject({ outcome: "success" });
});
