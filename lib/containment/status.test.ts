import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listEntries } from "@/lib/audit/append";
import { resetConfigForTests } from "@/lib/config";
import type { Db } from "@/lib/store";
import type { StepRunRow } from "./db";
import { executeStep, planStep, planUndo, undoStep } from "./executor";
import { getIncident } from "./incidents";
import { setTestSteps } from "./registry";
import { isolates, nextStatus, outstandingReversible } from "./status";
import { caller, DEMO_TARGETS, freshDb, givenIncident } from "./testing";
import type { StageId, StepDefinition } from "./types";

// Fake steps whose effects live in a set, so the status rule is tested through the real engine.
const live = new Set<string>();

function fakeStep(id: string, stage: StageId, risk: StepDefinition["risk"], reversible: boolean): StepDefinition {
  return {
    id,
    stage,
    title: id,
    risk,
    role: "analyst",
    summary: id,
    async plan() {
      return { changes: [{ target: id, action: "patch" }], commands: [], warnings: [], data: {} };
    },
    async execute() {
      if (risk === "read-only") return { outcome: "success", message: "looked" };
      live.add(id);
      return { outcome: "success", message: "done", record: { id } };
    },
    async verify() {
      return { holds: live.has(id), message: live.has(id) ? "in place" : "not in place" };
    },
    ...(reversible
      ? {
          async undo() {
            live.delete(id);
            return { outcome: "success" as const, message: "undone" };
          },
        }
      : {}),
  };
}

const cordon = fakeStep("cordon-node", "isolate", "reversible", true);
const tag = fakeStep("tag-node", "node-network", "reversible", true);
const detach = fakeStep("detach-services", "services", "disruptive", true);
const probe = fakeStep("attest-isolation", "network", "read-only", false);
const evidence = fakeStep("collect-evidence", "evidence", "read-only", false);

const analyst = caller("analyst@demo.local", "analyst");
let db: Db;
let close: () => Promise<void>;

beforeAll(async () => {
  process.env.NEXTAUTH_SECRET ??= "x".repeat(40);
  resetConfigForTests();
  ({ db, close } = await freshDb());
  setTestSteps([cordon, tag, detach, probe, evidence]);
});
afterAll(async () => {
  setTestSteps(undefined);
  await close();
});

// Every incident here is on the demo pod; typing its name confirms the disruptive fake steps.
const confirm = DEMO_TARGETS.pod;

async function run(incidentId: string, stepId: string) {
  const plan = await planStep(analyst, incidentId, stepId);
  return executeStep(analyst, incidentId, stepId, { planHash: plan.planHash, confirm });
}

// Releasing tag-node (node-network) needs a sign-off by the default policy: a stub approves every undo plan here.
const approveAll = {
  approvals: async (_i: string, _s: string, planHash: string) => ({ id: "a", status: "approved" as const, planHash, approvedBy: ["approver@x"] }),
};

async function undo(incidentId: string, stepId: string) {
  const { planHash } = await planUndo(analyst, incidentId, stepId);
  return undoStep(analyst, incidentId, stepId, { confirm, planHash }, approveAll);
}

async function status(incidentId: string) {
  return (await getIncident(incidentId))!.status;
}

async function statusChanges(incidentId: string) {
  return (await listEntries(db, { incidentId }))
    .filter((e) => e.kind === "status-changed")
    .map((e) => ({ stepId: e.stepId, actor: e.actor, ...(e.details as { from: string; to: string }) }))
    .map(({ stepId, actor, from, to }) => ({ stepId, actor, from, to }));
}

describe("incident status through the engine", () => {
  it("stays open for evidence, probes and steps outside the isolating stages", async () => {
    live.clear();
    const incident = await givenIncident(analyst);
    await run(incident.id, "collect-evidence");
    await run(incident.id, "attest-isolation");
    await run(incident.id, "detach-services");
    expect(await status(incident.id)).toBe("open");
    expect(await statusChanges(incident.id)).toEqual([]);
  });

  it("becomes contained after the first isolating step, logged once", async () => {
    live.clear();
    const incident = await givenIncident(analyst);
    await run(incident.id, "cordon-node");
    expect(await status(incident.id)).toBe("contained");
    await run(incident.id, "tag-node");
    expect(await status(incident.id)).toBe("contained");
    expect(await statusChanges(incident.id)).toEqual([{ stepId: "cordon-node", actor: analyst.email, from: "open", to: "contained" }]);
  });

  it("is released only when every reversible step that ran is undone, then contained again by a new isolation", async () => {
    live.clear();
    const incident = await givenIncident(analyst);
    await run(incident.id, "cordon-node");
    await run(incident.id, "detach-services");
    await run(incident.id, "tag-node");

    await undo(incident.id, "tag-node");
    await undo(incident.id, "cordon-node");
    // The Services are still detached: not released yet, although no isolating step is left.
    expect(await status(incident.id)).toBe("contained");
    await undo(incident.id, "detach-services");
    expect(await status(incident.id)).toBe("released");

    await run(incident.id, "cordon-node");
    expect(await status(incident.id)).toBe("contained");
    expect(await statusChanges(incident.id)).toEqual([
      { stepId: "cordon-node", actor: analyst.email, from: "open", to: "contained" },
      { stepId: "detach-services", actor: analyst.email, from: "contained", to: "released" },
      { stepId: "cordon-node", actor: analyst.email, from: "released", to: "contained" },
    ]);
  });

  it("writes the change after the run's result and verification", async () => {
    live.clear();
    const incident = await givenIncident(analyst);
    await run(incident.id, "cordon-node");
    const kinds = (await listEntries(db, { incidentId: incident.id })).map((e) => e.kind);
    expect(kinds.slice(-3)).toEqual(["result", "verify", "status-changed"]);
  });
});

describe("nextStatus", () => {
  const isolate = { stage: "isolate" as const, risk: "reversible" as const };

  it("contains on a successful isolating change, not on a no-op or a read-only step", () => {
    expect(nextStatus("open", { operation: "execute", outcome: "success", step: isolate }, [])).toBe("contained");
    expect(nextStatus("open", { operation: "execute", outcome: "noop", step: isolate }, [])).toBeNull();
    expect(nextStatus("open", { operation: "execute", outcome: "success", step: { stage: "network", risk: "read-only" } }, [])).toBeNull();
    expect(nextStatus("open", { operation: "execute", outcome: "success", step: { stage: "eradicate", risk: "destructive" } }, [])).toBeNull();
  });

  it("never moves a closed incident", () => {
    expect(nextStatus("closed", { operation: "execute", outcome: "success", step: isolate }, [])).toBeNull();
    expect(nextStatus("closed", { operation: "undo", outcome: "success", step: isolate }, [])).toBeNull();
  });

  it("releases a contained incident only when nothing reversible is outstanding", () => {
    expect(nextStatus("contained", { operation: "undo", outcome: "success", step: isolate }, ["detach-services"])).toBeNull();
    expect(nextStatus("contained", { operation: "undo", outcome: "success", step: isolate }, [])).toBe("released");
    expect(nextStatus("open", { operation: "undo", outcome: "success", step: isolate }, [])).toBeNull();
  });

  it("treats the isolate, network and node-network stages as isolating", () => {
    expect(["isolate", "network", "node-network"].every((stage) => isolates({ stage: stage as StageId, risk: "reversible" }))).toBe(true);
    expect(["evidence", "services", "eradicate"].some((stage) => isolates({ stage: stage as StageId, risk: "reversible" }))).toBe(false);
  });
});

describe("outstandingReversible", () => {
  const row = (step_id: string, operation: "execute" | "undo", status: StepRunRow["status"]) => ({ step_id, operation, status }) as StepRunRow;
  const lookup = (id: string) => (id === "probe" ? {} : { undo: async () => ({ outcome: "success" as const, message: "" }) });

  it("lists steps with a succeeded, not undone execution that can be undone", () => {
    const runs = [
      row("cordon", "execute", "undone"),
      row("cordon", "undo", "succeeded"),
      row("tag", "execute", "succeeded"),
      row("probe", "execute", "succeeded"),
      row("label", "execute", "failed"),
    ];
    expect(outstandingReversible(runs, lookup)).toEqual(["tag"]);
  });
});
