import { afterAll, beforeAll, expect, it } from "vitest";
import { executeStep, planStep } from "@/lib/containment/executor";
import { setTestSteps } from "@/lib/containment/registry";
import { caller, freshDb, givenIncident } from "@/lib/containment/testing";
import type { StepDefinition } from "@/lib/containment/types";
import { inbox } from "./inbox";
import { installApprovals } from "./install";
import { decideApproval, requestApproval } from "./requests";

const fake = (id: string, risk: StepDefinition["risk"]): StepDefinition => ({
  id,
  stage: "evidence",
  title: id,
  risk,
  role: "analyst",
  summary: id,
  async plan() {
    return { changes: [{ target: "Pod p", action: "read" }], commands: [], warnings: [], data: {} };
  },
  async execute() {
    return { outcome: "success", message: "done" };
  },
  async verify() {
    return { holds: true, message: "ok" };
  },
});

const analyst = caller("analyst@x.com", "analyst");
const approver = caller("approver@x.com", "approver");
let close: () => Promise<void>;
beforeAll(async () => {
  ({ close } = await freshDb());
  // Stand-ins for the real collect-evidence and a destructive step: only their run records matter here.
  setTestSteps([fake("collect-evidence", "read-only"), fake("fake-wipe", "destructive")]);
  installApprovals();
});
afterAll(async () => {
  setTestSteps(undefined);
  await close();
});

async function ask(incidentId: string) {
  const plan = await planStep(analyst, incidentId, "fake-wipe");
  return requestApproval(analyst, incidentId, "fake-wipe", { planHash: plan.planHash, reason: "needed" });
}

it("lists pending requests first with their incident's evidence status, then recent decisions", async () => {
  const bare = await givenIncident(analyst);
  const withEvidence = await givenIncident(analyst);
  const ev = await planStep(analyst, withEvidence.id, "collect-evidence");
  await executeStep(analyst, withEvidence.id, "collect-evidence", { planHash: ev.planHash });

  const decided = await ask(bare.id);
  await decideApproval(approver, decided.id, "reject", "not yet");
  const a = await ask(bare.id);
  const b = await ask(withEvidence.id);

  const items = await inbox();
  expect(items.map((i) => [i.id, i.status, i.evidence.collected])).toEqual([
    [a.id, "pending", false],
    [b.id, "pending", true],
    [decided.id, "rejected", false],
  ]);
  expect(items[1].evidence.by).toBe("analyst@x.com");
});
