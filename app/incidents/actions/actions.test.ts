import { afterAll, beforeAll, expect, it, vi } from "vitest";
import type { Caller } from "@/lib/auth";
import { resetConfigForTests } from "@/lib/config";
import { setTestSteps } from "@/lib/containment/registry";
import { caller, freshDb, givenIncident } from "@/lib/containment/testing";
import type { StepDefinition } from "@/lib/containment/types";
import { executeStepAction } from "./execute-step";
import { openIncidentAction } from "./open-incident";
import { planStepAction } from "./plan-step";
import { planUndoAction } from "./plan-undo";
import { undoStepAction } from "./undo-step";

const who = vi.hoisted(() => ({ caller: null as Caller | null }));
vi.mock("@/lib/auth", async (importOriginal) => ({
  ...(await importOriginal<typeof import("@/lib/auth")>()),
  getCaller: async () => who.caller,
}));
vi.mock("next/cache", () => ({ revalidatePath: () => {} }));

// The same service layer as the API: a fake disruptive, reversible step is enough to see the door's shape.
let isolated = false;
const isolate: StepDefinition = {
  id: "fake-isolate",
  stage: "isolate",
  title: "Fake isolate",
  risk: "disruptive",
  role: "analyst",
  summary: "flips a flag",
  async plan() {
    return { changes: [{ target: "Flag", action: "patch", before: isolated, after: true }], commands: [], warnings: [], data: {} };
  },
  async execute() {
    isolated = true;
    return { outcome: "success", message: "isolated", record: { was: false } };
  },
  async verify() {
    return { holds: isolated, message: String(isolated) };
  },
  async undo() {
    isolated = false;
    return { outcome: "success", message: "released" };
  },
};

let close: () => Promise<void>;
beforeAll(async () => {
  // The approval policy reads the validated configuration.
  process.env.NEXTAUTH_SECRET ??= "x".repeat(40);
  resetConfigForTests();
  ({ close } = await freshDb());
  setTestSteps([isolate]);
});
afterAll(async () => {
  setTestSteps(undefined);
  await close();
});

it("checks the caller in every action, whatever the page did", async () => {
  who.caller = null;
  expect(await planStepAction({ id: "x", stepId: "fake-isolate" })).toMatchObject({ ok: false, message: expect.stringMatching(/sign in/i) });
  who.caller = caller("nobody@x.com");
  expect(await openIncidentAction({ cluster: "c", namespace: "shop", pod: "p", title: "Miner" })).toEqual({
    ok: false,
    message: "Your role does not allow this",
  });
  who.caller = caller("analyst@x.com", "analyst");
  const bad = await openIncidentAction({ cluster: "c", namespace: "Bad_NS", pod: "p", title: "M" });
  expect(bad).toMatchObject({ ok: false, fieldErrors: { namespace: expect.any(Array), title: expect.any(Array) } });
});

it("plans, refuses a stale hash or missing confirmation, executes and undoes", async () => {
  const analyst = caller("analyst@x.com", "analyst");
  who.caller = analyst;
  const inc = await givenIncident(analyst);
  const plan = await planStepAction({ id: inc.id, stepId: "fake-isolate" });
  if (!plan.ok) throw new Error(plan.message);
  expect(plan.data).toMatchObject({ requiresConfirmation: true, risk: "disruptive" });

  expect(await executeStepAction({ id: inc.id, stepId: "fake-isolate", planHash: "f".repeat(64), confirm: inc.targets.pod })).toEqual({
    ok: false,
    message: "The plan changed since you reviewed it; review the new plan",
  });
  expect(await executeStepAction({ id: inc.id, stepId: "fake-isolate", planHash: plan.data.planHash })).toMatchObject({
    ok: false,
    fieldErrors: { confirm: expect.any(Array) },
  });
  expect(isolated).toBe(false);
  expect(await executeStepAction({ id: inc.id, stepId: "fake-isolate", planHash: plan.data.planHash, confirm: inc.targets.pod })).toMatchObject({
    ok: true,
    data: { outcome: "success", verify: { holds: true } },
  });
  // Undo, like execute, carries the hash of the plan it reviewed.
  expect(await undoStepAction({ id: inc.id, stepId: "fake-isolate", planHash: "", confirm: inc.targets.pod })).toMatchObject({
    ok: false,
    fieldErrors: { planHash: expect.any(Array) },
  });
  const undoPlan = await planUndoAction({ id: inc.id, stepId: "fake-isolate" });
  if (!undoPlan.ok) throw new Error(undoPlan.message);
  expect(undoPlan.data).toMatchObject({ operation: "undo", requiresConfirmation: true, requiresApproval: false, restores: { was: false } });
  const { planHash } = undoPlan.data;
  expect(await undoStepAction({ id: inc.id, stepId: "fake-isolate", planHash })).toMatchObject({ ok: false, fieldErrors: { confirm: expect.any(Array) } });
  expect(await undoStepAction({ id: inc.id, stepId: "fake-isolate", planHash, confirm: inc.targets.pod })).toMatchObject({
    ok: true,
    data: { operation: "undo" },
  });
  expect(isolated).toBe(false);
});
