import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resetConfigForTests } from "@/lib/config";
import { executeStep, planStep, planUndo, undoStep } from "./executor";
import { setTestSteps } from "./registry";
import { releasePlan } from "./release";
import { caller, freshDb, givenIncident } from "./testing";
import type { StepDefinition } from "./types";

// Typing the pod's name confirms a change; a plan or an undo that changes nothing asks none.
const analyst = caller("analyst@demo.local", "analyst");
let close: () => Promise<void>;
let routed = true;
let podGone = false;

const detach: StepDefinition = {
  id: "detach-fake",
  stage: "services",
  title: "Detach Services",
  risk: "disruptive",
  role: "analyst",
  summary: "stops Services routing to the pod",
  async plan() {
    return routed
      ? { changes: [{ target: "Service checkout", action: "delete" }], commands: [], warnings: [], data: {} }
      : { changes: [], commands: [], warnings: [], noop: true, data: {} };
  },
  async execute() {
    if (!routed) return { outcome: "noop", message: "No Service routes to the pod any more; nothing changed." };
    routed = false;
    return { outcome: "success", message: "detached", record: { services: ["checkout"] } };
  },
  async verify() {
    return { holds: !routed, message: routed ? "routed" : "not routed" };
  },
  async undo() {
    if (podGone) return { outcome: "noop", message: "Pod shop/x no longer exists." };
    routed = true;
    return { outcome: "success", message: "restored" };
  },
  async undoNoop() {
    return podGone ? "Pod shop/x no longer exists." : null;
  },
};

// Reversible (no name to type) but its undo is gated (network stage): nothing to restore needs no sign-off.
const deny: StepDefinition = {
  id: "deny-fake",
  stage: "network",
  title: "Deny all",
  risk: "reversible",
  role: "analyst",
  summary: "applies a deny-all",
  async plan() {
    return { changes: [{ target: "NetworkPolicy deny", action: "create" }], commands: [], warnings: [], data: {} };
  },
  async execute() {
    return { outcome: "success", message: "applied", record: {} };
  },
  async verify() {
    return { holds: true, message: "present" };
  },
  async undo() {
    return { outcome: "noop", message: "Pod shop/x no longer exists." };
  },
  async undoNoop() {
    return podGone ? "Pod shop/x no longer exists." : null;
  },
};

beforeAll(async () => {
  process.env.NEXTAUTH_SECRET ??= "x".repeat(40);
  resetConfigForTests();
  ({ close } = await freshDb());
  setTestSteps([detach, deny]);
});
afterAll(async () => {
  setTestSteps(undefined);
  await close();
});

describe("no typing for a change that changes nothing", () => {
  it("a no-op plan of a disruptive step asks no pod name, and runs without one", async () => {
    const inc = await givenIncident(analyst);
    routed = true;
    expect((await planStep(analyst, inc.id, "detach-fake")).requiresConfirmation).toBe(true);
    routed = false;
    const plan = await planStep(analyst, inc.id, "detach-fake");
    expect(plan).toMatchObject({ noop: true, requiresConfirmation: false });
    expect((await executeStep(analyst, inc.id, "detach-fake", { planHash: plan.planHash })).outcome).toBe("noop");
  });

  it("a plan that changes something still needs the name typed", async () => {
    const inc = await givenIncident(analyst);
    routed = true;
    const plan = await planStep(analyst, inc.id, "detach-fake");
    await expect(executeStep(analyst, inc.id, "detach-fake", { planHash: plan.planHash })).rejects.toMatchObject({ status: 400, reason: "confirmation" });
  });

  it("an undo that would change nothing (the pod is gone) asks no pod name, says why, and undoes without one", async () => {
    const inc = await givenIncident(analyst);
    routed = true;
    podGone = false;
    const plan = await planStep(analyst, inc.id, "detach-fake");
    await executeStep(analyst, inc.id, "detach-fake", { planHash: plan.planHash, confirm: inc.targets.pod });
    expect((await releasePlan(inc.id))[0]).toMatchObject({ requiresConfirmation: true, noop: null });
    const undoPlan = await planUndo(analyst, inc.id, "detach-fake");
    expect(undoPlan).toMatchObject({ requiresConfirmation: true, noopReason: null });
    await expect(undoStep(analyst, inc.id, "detach-fake", { planHash: undoPlan.planHash })).rejects.toMatchObject({ status: 400, reason: "confirmation" });

    podGone = true;
    expect((await releasePlan(inc.id))[0]).toMatchObject({ requiresConfirmation: false, noop: "Pod shop/x no longer exists." });
    const gone = await planUndo(analyst, inc.id, "detach-fake");
    expect(gone).toMatchObject({ requiresConfirmation: false, noopReason: "Pod shop/x no longer exists." });
    expect((await undoStep(analyst, inc.id, "detach-fake", { planHash: gone.planHash })).outcome).toBe("noop");
  });

  it("release lists an undo with the same gates as its undo plan, a step that asks no name included", async () => {
    const inc = await givenIncident(analyst);
    podGone = false;
    const plan = await planStep(analyst, inc.id, "deny-fake");
    await executeStep(analyst, inc.id, "deny-fake", { planHash: plan.planHash });
    const gates = ({ requiresApproval, requiresConfirmation }: { requiresApproval: boolean; requiresConfirmation: boolean }) => ({
      requiresApproval,
      requiresConfirmation,
    });
    expect(gates((await releasePlan(inc.id))[0])).toEqual({ requiresApproval: true, requiresConfirmation: false });
    expect(gates(await planUndo(analyst, inc.id, "deny-fake"))).toEqual({ requiresApproval: true, requiresConfirmation: false });

    podGone = true;
    expect((await releasePlan(inc.id))[0]).toMatchObject({ requiresApproval: false, requiresConfirmation: false, noop: "Pod shop/x no longer exists." });
    expect(await planUndo(analyst, inc.id, "deny-fake")).toMatchObject({
      requiresApproval: false,
      requiresConfirmation: false,
      noopReason: "Pod shop/x no longer exists.",
    });
  });
});
