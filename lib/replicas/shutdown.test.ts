import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { listEntries } from "@/lib/audit/append";
import { resetConfigForTests } from "@/lib/config";
import { executeStep, planStep } from "@/lib/containment/executor";
import { reconcileOrphans } from "@/lib/containment/reconcile";
import { setTestSteps } from "@/lib/containment/registry";
import { listRuns } from "@/lib/containment/runs";
import { caller, freshDb, givenIncident } from "@/lib/containment/testing";
import type { StepDefinition } from "@/lib/containment/types";
import type { Db } from "@/lib/store";
import { acceptingSteps, resumeAcceptingForTests } from "./accepting";
import { replicaId } from "./lease";
import { shutDown } from "./shutdown";

// The seam: the executor and the shutdown sequence run in this process as in `next start`;
// SIGTERM itself is only the trigger of shutDown() (installShutdown), exercised here directly.
// A step held open by a gate stands for a long drain.
let cordoned = false;
let gate: Promise<void> | null = null;
const cordon: StepDefinition = {
  id: "cordon-node",
  stage: "isolate",
  title: "Cordon the node",
  risk: "reversible",
  role: "analyst",
  summary: "spec.unschedulable: true",
  async plan() {
    return { changes: [{ target: "Node", action: "patch" }], commands: [], warnings: [], data: {} };
  },
  async execute() {
    if (gate) await gate;
    cordoned = true;
    return { outcome: "success", message: "cordoned" };
  },
  async verify() {
    return { holds: cordoned, message: cordoned ? "node is cordoned" : "node is schedulable" };
  },
};

const analyst = caller("analyst@demo.local", "analyst");
let db: Db;
let close: () => Promise<void>;
const saved = { ...process.env };

beforeAll(async () => {
  process.env.NEXTAUTH_SECRET = "x".repeat(40);
  resetConfigForTests();
  ({ db, close } = await freshDb());
  setTestSteps([cordon]);
});
afterAll(async () => {
  setTestSteps(undefined);
  await close();
  process.env = saved;
  resetConfigForTests();
});
afterEach(() => {
  resumeAcceptingForTests();
  cordoned = false;
  gate = null;
});

/** Starts an execute held at the gate; resolves once its intent is on the timeline. */
async function heldExecute() {
  const incident = await givenIncident(analyst);
  const plan = await planStep(analyst, incident.id, "cordon-node");
  let open!: () => void;
  gate = new Promise<void>((r) => (open = r));
  const running = executeStep(analyst, incident.id, "cordon-node", { planHash: plan.planHash });
  await vi.waitFor(async () => expect((await listRuns(db, incident.id)).map((r) => r.status)).toEqual(["running"]));
  return { incident, running, open };
}

describe("shutdown", () => {
  it("refuses new step runs with 503 and lets a running one finish within the grace period", async () => {
    const { incident, running, open } = await heldExecute();
    const stopping = shutDown(60_000, 10);
    await vi.waitFor(() => expect(acceptingSteps()).toBe(false));

    const other = await givenIncident(analyst);
    const plan = await planStep(analyst, other.id, "cordon-node");
    await expect(executeStep(analyst, other.id, "cordon-node", { planHash: plan.planHash })).rejects.toMatchObject({
      status: 503,
      reason: "shutting-down",
      message: expect.stringMatching(/shutting down/),
    });
    expect(await listRuns(db, other.id)).toEqual([]);

    open();
    await expect(running).resolves.toMatchObject({ outcome: "success" });
    expect(await stopping).toEqual([]);
    expect((await listRuns(db, incident.id)).map((r) => r.status)).toEqual(["succeeded"]);
  });

  it("records a run still going when the grace period ends as interrupted, with what verify found", async () => {
    const { incident, running, open } = await heldExecute();
    const interrupted = await shutDown(50, 10);
    expect(interrupted).toEqual([expect.objectContaining({ incidentId: incident.id, stepId: "cordon-node", holds: false, markedAs: "failed" })]);
    const entry = (await listEntries(db, { incidentId: incident.id })).find((e) => e.kind === "reconcile");
    expect(entry?.details).toMatchObject({ cause: expect.stringMatching(/shut down \(SIGTERM\)/), markedAs: "failed" });
    const [run] = await listRuns(db, incident.id);
    expect(run).toMatchObject({ status: "failed", message: expect.stringMatching(/^Interrupted: the console shut down/) });
    open();
    await running.catch(() => {});
    // The late finisher does not overwrite what was recorded.
    expect((await listRuns(db, incident.id))[0].status).toBe("failed");
  });
});

describe("reconcile of runs whose replica is gone", () => {
  it("leaves a live replica's run alone and closes the run of a replica whose lease ran out", async () => {
    const { incident, running, open } = await heldExecute();
    const [run] = await listRuns(db, incident.id);
    expect(await db.selectFrom("step_run_owners").selectAll().where("run_id", "=", run.id).execute()).toEqual([{ run_id: run.id, replica: replicaId() }]);
    expect(await reconcileOrphans()).toEqual([]);

    // As if another replica had started it and died: nobody renews that owner's lease.
    await db.updateTable("step_run_owners").set({ replica: "pod-b-gone" }).where("run_id", "=", run.id).execute();
    cordoned = true; // its change landed before it died
    expect(await reconcileOrphans()).toEqual([expect.objectContaining({ runId: run.id, holds: true, markedAs: "succeeded" })]);
    expect(await reconcileOrphans()).toEqual([]);
    const entry = (await listEntries(db, { incidentId: incident.id })).find((e) => e.kind === "reconcile");
    expect(entry).toMatchObject({ actor: "airlock", details: { cause: expect.stringMatching(/replica running it stopped/), holds: true } });
    open();
    await running.catch(() => {});
  });
});
