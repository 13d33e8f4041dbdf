import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { z } from "zod";
import { listEntries } from "@/lib/audit/append";
import { resetConfigForTests } from "@/lib/config";
import { verifyChain } from "@/lib/audit/verify";
import type { Db } from "@/lib/store";
import { executeStep, planStep, planUndo, undoStep } from "./executor";
import { listRuns, runningRuns } from "./runs";
import { CAUSES, reconcileInterrupted } from "./reconcile";
import { releaseByHand, releasePlan } from "./release";
import { setTestSteps } from "./registry";
import { caller, freshDb, givenIncident } from "./testing";
import type { StepDefinition } from "./types";

// Fake steps over an in-memory "cluster", so the executor's rules are tested without one.
let cordoned = false;
let quarantined = false;
let apiCalls: string[] = [];
let gate: Promise<void> | null = null;
let db: Db;
let close: () => Promise<void>;

const analyst = caller("analyst@demo.local", "analyst");
const approver = caller("approver@demo.local", "approver");
const lead = caller("lead@demo.local", "lead", "analyst");

async function timelineKinds(incidentId: string, stepId?: string) {
  return (await listEntries(db, { incidentId })).filter((e) => !stepId || e.stepId === stepId).map((e) => e.kind);
}

const cordon: StepDefinition = {
  id: "cordon-node",
  stage: "isolate",
  title: "Cordon the node",
  risk: "reversible",
  role: "analyst",
  summary: "spec.unschedulable: true",
  async plan(ctx) {
    apiCalls.push("read node");
    return {
      changes: [{ target: `Node ${ctx.incident.targets.node}`, action: "patch", field: "spec.unschedulable", before: cordoned, after: true }],
      commands: [`kubectl cordon ${ctx.incident.targets.node}`],
      warnings: [],
      data: { node: ctx.incident.targets.node },
      ...(cordoned ? { noop: true } : {}),
    };
  },
  async execute(ctx) {
    // The intent must already be on the timeline when the first change is made.
    const kinds = await timelineKinds(ctx.incident.id, "cordon-node");
    apiCalls.push(`patch node (timeline so far: ${kinds.join(",")})`);
    if (gate) await gate;
    if (cordoned) return { outcome: "noop", message: "already cordoned" };
    cordoned = true;
    await ctx.progress("cordoned", { node: ctx.incident.targets.node });
    return { outcome: "success", message: "cordoned", record: { wasUnschedulable: false } };
  },
  async verify() {
    return { holds: cordoned, message: cordoned ? "node is cordoned" : "node is schedulable" };
  },
  async undo(_ctx, record) {
    apiCalls.push(`uncordon ${JSON.stringify(record)}`);
    cordoned = false;
    return { outcome: "success", message: "uncordoned" };
  },
};

const label: StepDefinition = {
  id: "label-quarantine",
  stage: "isolate",
  title: "Label quarantine",
  risk: "reversible",
  role: "analyst",
  summary: "quarantine=true",
  async plan() {
    return { changes: [{ target: "Pod", action: "patch", field: "metadata.labels.quarantine", after: "true" }], commands: [], warnings: [], data: {} };
  },
  async execute() {
    quarantined = true;
    return { outcome: "success", message: "labelled", record: { label: "quarantine" } };
  },
  async verify() {
    return { holds: quarantined, message: quarantined ? "labelled" : "not labelled" };
  },
  async undo() {
    quarantined = false;
    return { outcome: "success", message: "unlabelled" };
  },
};

const evidence: StepDefinition = {
  id: "collect-evidence",
  stage: "evidence",
  title: "Collect evidence",
  risk: "read-only",
  role: "analyst",
  summary: "manifests and logs",
  async plan() {
    return { changes: [{ target: "Pod", action: "read" }], commands: [], warnings: [], data: {} };
  },
  async execute() {
    return { outcome: "success", message: "stored 7 artifacts" };
  },
  async verify() {
    return { holds: true, message: "artifacts present" };
  },
};

const deletePod: StepDefinition = {
  id: "delete-pod",
  stage: "eradicate",
  title: "Delete the pod",
  risk: "destructive",
  role: "analyst",
  summary: "deletes the pod",
  async plan(ctx) {
    return { changes: [{ target: `Pod ${ctx.incident.targets.pod}`, action: "delete" }], commands: [], warnings: [], data: {} };
  },
  async execute() {
    apiCalls.push("delete pod");
    return { outcome: "success", message: "deleted" };
  },
  async verify() {
    return { holds: true, message: "gone" };
  },
};

const drain: StepDefinition = {
  id: "drain-node",
  stage: "isolate",
  title: "Drain the node",
  risk: "disruptive",
  role: "analyst",
  summary: "evicts other pods",
  params: z.object({ timeoutSeconds: z.number().int().min(10).max(3600).default(300) }),
  async plan(ctx) {
    return { changes: [{ target: "Node", action: "evict", note: `timeout ${ctx.params.timeoutSeconds}` }], commands: [], warnings: [], data: {} };
  },
  async execute() {
    apiCalls.push("evict");
    throw Object.assign(new Error("connect to 10.0.0.1 with token=s3cr3t-abcdef failed"), { code: "EWEIRD" });
  },
  async verify() {
    return { holds: false, message: "pods remain" };
  },
};

// A step whose own plan carries a lock (as drain-node does until protect-node has run).
let nodeProtected = false;
const lockedStep: StepDefinition = {
  ...evidence,
  id: "locked-step",
  stage: "isolate",
  title: "Locked until protected",
  async plan() {
    return {
      changes: [{ target: "Node", action: "patch" }],
      commands: [],
      warnings: [],
      data: {},
      ...(nodeProtected ? {} : { lock: { id: "protect-node-first", message: "Run protect-node first", skips: "the node is left unprotected" } }),
    };
  },
};

// Irreversible, and leaves work behind (as abandon-node-vm leaves a VM to delete).
const leaveBehind: StepDefinition = {
  ...evidence,
  id: "leave-behind",
  stage: "isolate",
  title: "Leave a VM behind",
  ui: { releaseNote: "Delete the VM by hand." },
  async execute() {
    return { outcome: "success", message: "VM vm-1 abandoned" };
  },
};

const leadOnly: StepDefinition = { ...evidence, id: "lead-only", stage: "network", role: "lead", title: "Lead only" };

let flaky = 0;
const flakyStep: StepDefinition = {
  ...evidence,
  id: "flaky",
  stage: "network",
  title: "Flaky",
  async execute() {
    flaky++;
    if (flaky === 1) throw Object.assign(new Error("throttled"), { code: 503 });
    return { outcome: "success", message: `ok after ${flaky}` };
  },
};

beforeAll(async () => {
  // The approval policy and the kube clients read the validated configuration.
  process.env.NEXTAUTH_SECRET ??= "x".repeat(40);
  resetConfigForTests();
  ({ db, close } = await freshDb());
  setTestSteps([cordon, label, evidence, deletePod, drain, leadOnly, flakyStep, lockedStep, leaveBehind]);
});
afterAll(async () => {
  setTestSteps(undefined);
  await close();
});
beforeEach(() => {
  nodeProtected = false;
  cordoned = false;
  quarantined = false;
  apiCalls = [];
  gate = null;
});

describe("planStep", () => {
  it("returns a hashed plan and logs it", async () => {
    const inc = await givenIncident(analyst);
    const plan = await planStep(analyst, inc.id, "cordon-node");
    expect(plan.planHash).toMatch(/^[0-9a-f]{64}$/);
    expect(plan).toMatchObject({ risk: "reversible", requiresApproval: false, requiresConfirmation: false, commands: [`kubectl cordon ${inc.targets.node}`] });
    const entries = await listEntries(db, { incidentId: inc.id });
    expect(entries.map((e) => e.kind)).toEqual(["incident-opened", "plan"]);
    expect(entries[1]).toMatchObject({ actor: analyst.email, stepId: "cordon-node", planHash: plan.planHash });
  });

  it("rejects bad params with field errors before any API call", async () => {
    const inc = await givenIncident(analyst);
    await expect(planStep(analyst, inc.id, "drain-node", { timeoutSeconds: 1 })).rejects.toMatchObject({
      status: 400,
      fieldErrors: { timeoutSeconds: expect.any(Array) },
    });
    expect(apiCalls).toEqual([]);
  });

  it("marks destructive steps as needing approval", async () => {
    const inc = await givenIncident(analyst);
    expect((await planStep(analyst, inc.id, "delete-pod")).requiresApproval).toBe(true);
  });

  it("404s an unknown step or incident", async () => {
    const inc = await givenIncident(analyst);
    await expect(planStep(analyst, inc.id, "no-such-step")).rejects.toMatchObject({ status: 404 });
    await expect(planStep(analyst, "nope", "cordon-node")).rejects.toMatchObject({ status: 404 });
  });
});

describe("executeStep", () => {
  it("writes intent before the change and result and verify after, then is a no-op on repeat", async () => {
    const inc = await givenIncident(analyst);
    const plan = await planStep(analyst, inc.id, "cordon-node");
    const out = await executeStep(analyst, inc.id, "cordon-node", { planHash: plan.planHash });
    expect(out).toMatchObject({ outcome: "success", verify: { holds: true } });
    expect(apiCalls).toContain("patch node (timeline so far: plan,intent)");
    // The first isolating step contains the incident (status.test.ts covers the rule).
    expect(await timelineKinds(inc.id, "cordon-node")).toEqual(["plan", "intent", "result", "verify", "status-changed"]);
    const intent = (await listEntries(db, { incidentId: inc.id })).find((e) => e.kind === "intent")!;
    expect(intent).toMatchObject({ actor: analyst.email, role: "analyst", planHash: plan.planHash });
    expect(intent.details).toMatchObject({ commands: [`kubectl cordon ${inc.targets.node}`], operation: "execute" });
    expect(intent.targets).toContainEqual({ kind: "Node", name: inc.targets.node });
    const [run] = await listRuns(db, inc.id);
    expect(run).toMatchObject({ status: "succeeded", plan_hash: plan.planHash, actor: analyst.email });
    expect(JSON.parse(run.record!)).toEqual({ wasUnschedulable: false });

    const again = await planStep(analyst, inc.id, "cordon-node");
    expect(again.noop).toBe(true);
    expect(again.planHash).not.toBe(plan.planHash);
    expect(await executeStep(analyst, inc.id, "cordon-node", { planHash: again.planHash })).toMatchObject({ outcome: "noop" });
    expect((await verifyChain(db)).ok).toBe(true);
  });

  it("refuses a stale plan hash with 409 and changes nothing", async () => {
    const inc = await givenIncident(analyst);
    const plan = await planStep(analyst, inc.id, "cordon-node");
    cordoned = true; // someone cordoned it meanwhile: the plan the analyst saw is not what would run
    await expect(executeStep(analyst, inc.id, "cordon-node", { planHash: plan.planHash })).rejects.toMatchObject({
      status: 409,
      message: "The plan changed since you reviewed it; review the new plan",
    });
    // The refusal is on the timeline for review; nothing ran.
    expect(await timelineKinds(inc.id, "cordon-node")).toEqual(["plan", "refused"]);
    const [refused] = (await listEntries(db, { incidentId: inc.id })).filter((e) => e.kind === "refused");
    expect(refused.details).toMatchObject({ operation: "execute", status: 409, reason: "plan-changed" });
    expect(await listRuns(db, inc.id)).toEqual([]);
  });

  it("asks for the pod's name on disruptive steps (400)", async () => {
    const inc = await givenIncident(analyst);
    const plan = await planStep(analyst, inc.id, "drain-node", { timeoutSeconds: 60 });
    for (const confirm of [undefined, "yes", "checkout"]) {
      await expect(executeStep(analyst, inc.id, "drain-node", { planHash: plan.planHash, params: { timeoutSeconds: 60 }, confirm })).rejects.toMatchObject({
        status: 400,
        fieldErrors: { confirm: expect.any(Array) },
      });
    }
    expect(apiCalls).toEqual([]);
  });

  it("refuses a step above the caller's role with 403", async () => {
    const inc = await givenIncident(analyst);
    const plan = await planStep(analyst, inc.id, "lead-only");
    await expect(executeStep(analyst, inc.id, "lead-only", { planHash: plan.planHash })).rejects.toMatchObject({ status: 403 });
    await expect(executeStep(approver, inc.id, "cordon-node", { planHash: "x" })).rejects.toMatchObject({ status: 403 });
    expect(await executeStep(lead, inc.id, "lead-only", { planHash: plan.planHash })).toMatchObject({ outcome: "success" });
  });

  it("keeps eradicate locked until evidence, then requires an approver's sign-off for destructive steps", async () => {
    const inc = await givenIncident(analyst);
    const plan = await planStep(analyst, inc.id, "delete-pod");
    const confirm = inc.targets.pod;
    await expect(executeStep(analyst, inc.id, "delete-pod", { planHash: plan.planHash, confirm })).rejects.toMatchObject({
      status: 409,
      reason: "evidence-first",
    });
    // An analyst cannot override; an approver needs a real reason.
    await expect(
      executeStep(analyst, inc.id, "delete-pod", { planHash: plan.planHash, confirm, overrideReason: "node is being repaired now" }),
    ).rejects.toMatchObject({ status: 403 });
    const ev = await planStep(analyst, inc.id, "collect-evidence");
    await executeStep(analyst, inc.id, "collect-evidence", { planHash: ev.planHash });

    await expect(executeStep(analyst, inc.id, "delete-pod", { planHash: plan.planHash, confirm })).rejects.toMatchObject({
      status: 403,
      message: expect.stringMatching(/requires an approver's sign-off/),
    });
    expect(apiCalls).not.toContain("delete pod");

    const gates = {
      approvals: async (_i: string, _s: string, hash: string) => ({ id: "ap-1", status: "approved" as const, planHash: hash, approvedBy: [approver.email] }),
    };
    expect(await executeStep(analyst, inc.id, "delete-pod", { planHash: plan.planHash, confirm }, gates)).toMatchObject({ outcome: "success" });
    const intent = (await listEntries(db, { incidentId: inc.id })).find((e) => e.kind === "intent" && e.stepId === "delete-pod")!;
    expect(intent.details.approvalId).toBe("ap-1");
  });

  it("lets an approver override the evidence lock with a logged reason", async () => {
    const inc = await givenIncident(analyst);
    const gates = {
      approvals: async (_i: string, _s: string, hash: string) => ({ id: "ap-2", status: "approved" as const, planHash: hash, approvedBy: ["someone"] }),
    };
    const both = caller("both@demo.local", "analyst", "approver");
    const plan = await planStep(both, inc.id, "delete-pod");
    const base = { planHash: plan.planHash, confirm: inc.targets.pod };
    await expect(executeStep(both, inc.id, "delete-pod", { ...base, overrideReason: "short" }, gates)).rejects.toMatchObject({
      status: 400,
      fieldErrors: { overrideReason: expect.any(Array) },
    });
    await executeStep(both, inc.id, "delete-pod", { ...base, overrideReason: "node auto-repair will destroy it anyway" }, gates);
    const entries = (await listEntries(db, { incidentId: inc.id })).filter((e) => e.stepId === "delete-pod");
    expect(entries.map((e) => e.kind)).toEqual(["plan", "refused", "override", "intent", "result", "verify"]);
    expect(entries[1].details).toMatchObject({ status: 400 });
    expect(entries[2].details).toMatchObject({ reason: "node auto-repair will destroy it anyway" });
  });

  it("refuses a plan's own lock like the evidence lock: only an approver, with a reason, on the timeline", async () => {
    const inc = await givenIncident(analyst);
    const both = caller("both@demo.local", "analyst", "approver");
    const plan = await planStep(analyst, inc.id, "locked-step");
    expect(plan.lock).toMatchObject({ id: "protect-node-first", message: "Run protect-node first" });
    expect(plan.blocked).toBeUndefined();
    await expect(executeStep(analyst, inc.id, "locked-step", { planHash: plan.planHash })).rejects.toMatchObject({ status: 409, reason: "protect-node-first" });
    await expect(
      executeStep(analyst, inc.id, "locked-step", { planHash: plan.planHash, overrideReason: "auto-repair is off in the console" }),
    ).rejects.toMatchObject({ status: 403 });
    await expect(executeStep(both, inc.id, "locked-step", { planHash: plan.planHash, overrideReason: "short" })).rejects.toMatchObject({
      status: 400,
      message: "Say why the node is left unprotected",
    });
    await executeStep(both, inc.id, "locked-step", { planHash: plan.planHash, overrideReason: "pool repair is handled by the platform team" });
    const entries = (await listEntries(db, { incidentId: inc.id })).filter((e) => e.stepId === "locked-step");
    expect(entries.map((e) => e.kind)).toEqual(["plan", "refused", "refused", "refused", "override", "intent", "result", "verify"]);
    expect(entries[0].details).toMatchObject({ lock: "protect-node-first" });
    expect(entries[4].details).toMatchObject({ lock: "protect-node-first", reason: "pool repair is handled by the platform team" });

    // Once the precondition holds the plan has no lock and anyone with the step's role runs it.
    nodeProtected = true;
    const free = await planStep(analyst, inc.id, "locked-step");
    expect(free.lock).toBeUndefined();
    expect(await executeStep(analyst, inc.id, "locked-step", { planHash: free.planHash })).toMatchObject({ outcome: "success" });
  });

  it("lets one execution run per (incident, step): a second concurrent request gets 409", async () => {
    const inc = await givenIncident(analyst);
    const plan = await planStep(analyst, inc.id, "cordon-node");
    let open!: () => void;
    gate = new Promise<void>((r) => (open = r));
    const first = executeStep(analyst, inc.id, "cordon-node", { planHash: plan.planHash });
    await vi.waitFor(async () => expect(await timelineKinds(inc.id, "cordon-node")).toContain("intent"));
    await expect(executeStep(lead, inc.id, "cordon-node", { planHash: plan.planHash })).rejects.toMatchObject({
      status: 409,
      message: expect.stringMatching(/already running/),
    });
    open();
    expect(await first).toMatchObject({ outcome: "success" });
  });

  it("records a failure with a readable reason, never the exception's text", async () => {
    const inc = await givenIncident(analyst);
    const plan = await planStep(analyst, inc.id, "drain-node", { timeoutSeconds: 60 });
    const err = (await executeStep(analyst, inc.id, "drain-node", { planHash: plan.planHash, params: { timeoutSeconds: 60 }, confirm: inc.targets.pod }).catch(
      (e: unknown) => e,
    )) as { status: number; message: string };
    expect(err.status).toBe(502);
    expect(err.message).not.toMatch(/s3cr3t|10\.0\.0\.1/);
    const result = (await listEntries(db, { incidentId: inc.id })).find((e) => e.kind === "result")!;
    expect(result.details.outcome).toBe("failure");
    expect(JSON.stringify(result.details)).not.toMatch(/s3cr3t|10\.0\.0\.1/);
    expect(await timelineKinds(inc.id, "drain-node")).toEqual(["plan", "intent", "result", "verify"]);
    expect((await listRuns(db, inc.id))[0].status).toBe("failed");
  });

  it("retries transient errors", async () => {
    const inc = await givenIncident(analyst);
    const plan = await planStep(analyst, inc.id, "flaky");
    expect(await executeStep(analyst, inc.id, "flaky", { planHash: plan.planHash })).toMatchObject({ message: "ok after 2" });
  });
});

describe("undo and release", () => {
  it("lists what release cannot undo but a person must finish, and leaves it out of the undo list", async () => {
    const inc = await givenIncident(analyst);
    expect(await releaseByHand(inc.id)).toEqual([]);
    const p = await planStep(analyst, inc.id, "leave-behind");
    await executeStep(analyst, inc.id, "leave-behind", { planHash: p.planHash });
    expect(await releaseByHand(inc.id)).toEqual([
      expect.objectContaining({ stepId: "leave-behind", note: "Delete the VM by hand.", message: "VM vm-1 abandoned" }),
    ]);
    expect(await releasePlan(inc.id)).toEqual([]);
  });

  it("lists reversible runs newest first and undoes each with its record", async () => {
    const inc = await givenIncident(analyst);
    for (const id of ["cordon-node", "label-quarantine", "collect-evidence"]) {
      const p = await planStep(analyst, inc.id, id);
      await executeStep(analyst, inc.id, id, { planHash: p.planHash });
      await new Promise((r) => setTimeout(r, 5)); // distinct finish times order the release
    }
    expect((await releasePlan(inc.id)).map((r) => r.stepId)).toEqual(["label-quarantine", "cordon-node"]);

    const reviewed = async (stepId: string) => ({ planHash: (await planUndo(analyst, inc.id, stepId)).planHash });
    expect(await undoStep(analyst, inc.id, "label-quarantine", await reviewed("label-quarantine"))).toMatchObject({
      outcome: "success",
      verify: { holds: false },
    });
    expect(quarantined).toBe(false);
    const cordonUndo = await planUndo(analyst, inc.id, "cordon-node");
    expect(cordonUndo).toMatchObject({ operation: "undo", restores: { wasUnschedulable: false }, requiresApproval: false });
    await undoStep(analyst, inc.id, "cordon-node", { planHash: cordonUndo.planHash });
    expect(apiCalls).toContain('uncordon {"wasUnschedulable":false}');
    expect(await releasePlan(inc.id)).toEqual([]);
    await expect(planUndo(analyst, inc.id, "cordon-node")).rejects.toMatchObject({ status: 409 });
    await expect(undoStep(analyst, inc.id, "cordon-node", { planHash: cordonUndo.planHash })).rejects.toMatchObject({ status: 409 });
    await expect(undoStep(analyst, inc.id, "collect-evidence", { planHash: cordonUndo.planHash })).rejects.toMatchObject({ status: 400 });
    // Contained by the first cordon, released by the last undo.
    // The second undo of the cordon was refused (nothing left to undo), and says so.
    expect(await timelineKinds(inc.id, "cordon-node")).toEqual([
      "plan",
      "intent",
      "result",
      "verify",
      "status-changed",
      "plan",
      "intent",
      "undo",
      "verify",
      "status-changed",
      "refused",
    ]);
  });
});

describe("reconcileInterrupted", () => {
  it("verifies a run left running by a crash, records what it found and releases the lock", async () => {
    const inc = await givenIncident(analyst);
    const plan = await planStep(analyst, inc.id, "cordon-node");
    let open!: () => void;
    gate = new Promise<void>((r) => (open = r));
    // Simulate the crash: the change lands, but the process never writes the result.
    const abandoned = executeStep(analyst, inc.id, "cordon-node", { planHash: plan.planHash });
    await vi.waitFor(async () => expect(await timelineKinds(inc.id, "cordon-node")).toContain("intent"));
    cordoned = true;

    const found = await reconcileInterrupted(runningRuns, CAUSES.restart);
    expect(found).toEqual([expect.objectContaining({ incidentId: inc.id, stepId: "cordon-node", holds: true, markedAs: "succeeded" })]);
    const rec = (await listEntries(db, { incidentId: inc.id })).find((e) => e.kind === "reconcile")!;
    expect(rec).toMatchObject({ actor: "airlock", planHash: plan.planHash, details: { holds: true, markedAs: "succeeded", operation: "execute" } });
    expect((await listRuns(db, inc.id))[0].status).toBe("succeeded");
    // The lock is free again.
    const again = await planStep(analyst, inc.id, "cordon-node");
    gate = null;
    expect(await executeStep(analyst, inc.id, "cordon-node", { planHash: again.planHash })).toMatchObject({ outcome: "noop" });
    open();
    await abandoned.catch(() => {});
    expect(await reconcileInterrupted(runningRuns, CAUSES.restart)).toEqual([]);
  });
});

describe("preflight without a reachable cluster", () => {
  it("marks every step as unable to run instead of failing the incident page", async () => {
    const { preflight } = await import("./preflight");
    const { resetKubeClientsForTests } = await import("@/lib/kube/clients");
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "airlock-kc-"));
    const file = path.join(dir, "kubeconfig");
    fs.writeFileSync(
      file,
      "apiVersion: v1\nkind: Config\nclusters: [{name: other, cluster: {server: 'https://127.0.0.1:1'}}]\n" +
        "users: [{name: other, user: {token: t}}]\ncontexts: [{name: other, context: {cluster: other, user: other}}]\ncurrent-context: other\n",
    );
    process.env.KUBECONFIG = file;
    resetConfigForTests();
    resetKubeClientsForTests();
    const inc = await givenIncident(analyst, { cluster: "gke_gone_us-central1-a_gone" });
    const pf = await preflight(inc);
    expect(pf.findings).toEqual([expect.objectContaining({ code: "cluster-unreachable" })]);
    expect(pf.findings[0].message).toMatch(/No cluster named/);
    expect(pf.steps.every((s) => !s.ok)).toBe(true);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
