import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { listEntries } from "@/lib/audit/append";
import { resetConfigForTests } from "@/lib/config";
import type { Db } from "@/lib/store";
import { shownStatus, stepStatus, verdictsOf } from "./detail";
import { executeStep, planStep, planUndo, undoStep } from "./executor";
import { setTestSteps } from "./registry";
import { listRuns } from "./runs";
import { caller, freshDb, givenIncident } from "./testing";
import { defineStep, type StepDefinition } from "./types";

// What the wizard shows after a run comes from the run's verification, not from "the step ran":
// a probe that found ports open is "not contained", and verify sees the run it verifies.
const analyst = caller("analyst@demo.local", "analyst");
let db: Db;
let close: () => Promise<void>;
let open = true;

const probe: StepDefinition = {
  id: "attest-isolation",
  stage: "network",
  title: "Probe",
  risk: "read-only",
  role: "analyst",
  summary: "tries the pod's ports",
  async plan() {
    return { changes: [{ target: "Pod", action: "create" }], commands: [], warnings: [], data: {} };
  },
  async execute() {
    const message = open ? "NOT ISOLATED: 8080/tcp open (from node-b)." : "Isolated: 8080/tcp blocked (from node-b).";
    return { outcome: "success", message, verdict: { holds: !open, message } };
  },
  async verify() {
    // A second probe would race the first: the executor must take the execute's own finding.
    return { holds: true, message: "a second probe found nothing open" };
  },
};

// Like collect-evidence: verify reads what this very run recorded.
const collect = defineStep<Record<string, never>, { artifacts: number }>()({
  id: "collect-evidence",
  stage: "evidence",
  title: "Collect",
  risk: "read-only",
  role: "analyst",
  summary: "stores artifacts",
  record: z.object({ artifacts: z.number() }),
  async plan() {
    return { changes: [{ target: "Pod", action: "read" }], commands: [], warnings: [], data: {} };
  },
  async execute() {
    return { outcome: "success", message: "Collected 8 artifacts.", record: { artifacts: 8 } };
  },
  async verify(ctx) {
    const rec = ctx.priorRecord();
    return rec ? { holds: true, message: `${rec.artifacts} artifacts` } : { holds: false, message: "No evidence collected yet." };
  },
});

// A reversible step whose check does not hold and whose undo fails.
const flip: StepDefinition = {
  id: "flip",
  stage: "evidence",
  title: "Flip",
  risk: "reversible",
  role: "analyst",
  summary: "flips a flag",
  async plan() {
    return { changes: [{ target: "Pod", action: "patch" }], commands: [], warnings: [], data: {} };
  },
  async execute() {
    return { outcome: "success", message: "Flipped." };
  },
  async verify() {
    return { holds: false, message: "the flag is not set" };
  },
  async undo() {
    throw new Error("undo refused by the API");
  },
};

// A reversible step whose check cannot read anything (the API fails).
const blind: StepDefinition = {
  ...flip,
  id: "blind",
  title: "Blind",
  async verify() {
    throw new Error("the API timed out");
  },
  async undo() {
    return { outcome: "success", message: "Unflipped." };
  },
};

beforeAll(async () => {
  process.env.NEXTAUTH_SECRET ??= "x".repeat(40);
  resetConfigForTests();
  ({ db, close } = await freshDb());
  setTestSteps([probe, collect, flip, blind]);
});
afterAll(async () => {
  setTestSteps(undefined);
  await close();
});

async function shown(incidentId: string, stepId: string, stage: "network" | "evidence") {
  const runs = await listRuns(db, incidentId);
  const { status, decidedBy } = stepStatus(runs, stepId);
  return shownStatus(status, decidedBy, verdictsOf(await listEntries(db, { incidentId })), stage);
}

describe("a run's verdict", () => {
  it("a probe that finds a port open is not contained, and its own finding is the verification", async () => {
    const inc = await givenIncident(analyst);
    open = true;
    const plan = await planStep(analyst, inc.id, "attest-isolation");
    const out = await executeStep(analyst, inc.id, "attest-isolation", { planHash: plan.planHash });
    expect(out.verify).toEqual({ holds: false, message: "NOT ISOLATED: 8080/tcp open (from node-b)." });
    expect(await shown(inc.id, "attest-isolation", "network")).toBe("not-contained");

    open = false;
    await executeStep(analyst, inc.id, "attest-isolation", { planHash: plan.planHash });
    expect(await shown(inc.id, "attest-isolation", "network")).toBe("succeeded");
  });

  it("a run with no verification on record is not shown as a success", async () => {
    const inc = await givenIncident(analyst);
    open = false;
    const plan = await planStep(analyst, inc.id, "attest-isolation");
    await executeStep(analyst, inc.id, "attest-isolation", { planHash: plan.planHash });
    const runs = await listRuns(db, inc.id);
    const { status, last } = stepStatus(runs, "attest-isolation");
    expect(shownStatus(status, last, new Map(), "network")).toBe("unverified");
  });

  it("a failed undo shows the verification of the execution it left in force", async () => {
    const inc = await givenIncident(analyst);
    const plan = await planStep(analyst, inc.id, "flip");
    await executeStep(analyst, inc.id, "flip", { planHash: plan.planHash });
    expect(await shown(inc.id, "flip", "evidence")).toBe("not-holding");
    const undo = await planUndo(analyst, inc.id, "flip");
    await expect(undoStep(analyst, inc.id, "flip", { planHash: undo.planHash })).rejects.toThrow(/Undoing "Flip" failed/);
    const runs = await listRuns(db, inc.id);
    expect(runs.at(-1)).toMatchObject({ operation: "undo", status: "failed" });
    expect(await shown(inc.id, "flip", "evidence")).toBe("not-holding");
    const { status, decidedBy } = stepStatus(runs, "flip");
    expect(decidedBy).toMatchObject({ operation: "execute" });
    expect(shownStatus(status, decidedBy, new Map(), "evidence")).toBe("unverified");
  });

  it("a check that could not read anything says so (checked: false), so an undo is not read as the effect gone", async () => {
    const inc = await givenIncident(analyst);
    const plan = await planStep(analyst, inc.id, "blind");
    await executeStep(analyst, inc.id, "blind", { planHash: plan.planHash });
    const undo = await planUndo(analyst, inc.id, "blind");
    const out = await undoStep(analyst, inc.id, "blind", { planHash: undo.planHash });
    expect(out.verify).toMatchObject({ holds: false, checked: false, message: expect.stringMatching(/^Could not verify: /) });
  });

  it("verify reads what the run it verifies recorded", async () => {
    const inc = await givenIncident(analyst);
    const plan = await planStep(analyst, inc.id, "collect-evidence");
    const out = await executeStep(analyst, inc.id, "collect-evidence", { planHash: plan.planHash });
    expect(out.verify).toEqual({ holds: true, message: "8 artifacts" });
    expect(await shown(inc.id, "collect-evidence", "evidence")).toBe("succeeded");
  });
});
