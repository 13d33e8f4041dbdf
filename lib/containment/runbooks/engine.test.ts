import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listEntries } from "@/lib/audit/append";
import { resetConfigForTests } from "@/lib/config";
import type { Db } from "@/lib/store";
import { setTestSteps } from "../registry";
import { caller, freshDb, givenIncident } from "../testing";
import type { StepDefinition } from "../types";
import { executeRunbook, planRunbook } from "./engine";

// A runbook's "start" entry always gets its "end", even when a step stops it on an internal error.
const analyst = caller("analyst@demo.local", "analyst");
let db: Db;
let close: () => Promise<void>;

const fake = (id: string, risk: StepDefinition["risk"]): StepDefinition => ({
  id,
  stage: "network",
  title: `Fake ${id}`,
  risk,
  role: "analyst",
  summary: id,
  async plan() {
    return { changes: [{ target: "Pod", action: "patch" }], commands: [], warnings: [], data: {} };
  },
  async execute() {
    return { outcome: "success", message: "done" };
  },
  async verify() {
    return { holds: true, message: "holds" };
  },
});

beforeAll(async () => {
  process.env.NEXTAUTH_SECRET ??= "x".repeat(40);
  resetConfigForTests();
  ({ db, close } = await freshDb());
  // Destructive: the default approval policy gates it, so the executor asks the approval lookup.
  setTestSteps([
    fake("label-quarantine", "destructive"),
    fake("exclude-from-policies", "reversible"),
    fake("apply-deny-all", "reversible"),
    fake("attest-isolation", "read-only"),
  ]);
});
afterAll(async () => {
  setTestSteps(undefined);
  await close();
});

describe("executeRunbook", () => {
  it("writes the runbook's end (failed) before an internal error reaches the caller", async () => {
    const inc = await givenIncident(analyst);
    const plan = await planRunbook(analyst, inc.id, "isolate-pod");
    const broken = async () => {
      throw new Error("approval store unreachable");
    };
    await expect(executeRunbook(analyst, inc.id, "isolate-pod", { planHash: plan.planHash, confirm: inc.targets.pod }, { approvals: broken })).rejects.toThrow(
      "approval store unreachable",
    );
    const entries = (await listEntries(db, { incidentId: inc.id })).filter((e) => e.kind === "runbook");
    expect(entries.map((e) => e.details.phase)).toEqual(["start", "end"]);
    expect(entries[1].details).toMatchObject({
      runbookId: "isolate-pod",
      state: "failed",
      message: expect.stringMatching(/^"Fake label-quarantine" failed; the steps after it did not run: an internal error \(ref \w+\)/),
      steps: [
        { stepId: "label-quarantine", status: "failed" },
        { stepId: "exclude-from-policies", status: "not-run" },
        { stepId: "apply-deny-all", status: "not-run" },
        { stepId: "attest-isolation", status: "not-run" },
      ],
    });
  });
});
