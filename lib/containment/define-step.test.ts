import { describe, expect, expectTypeOf, it } from "vitest";
import { z } from "zod";
import { planHash } from "./plan-hash";
import { applyDenyAll } from "./steps/apply-deny-all";
import { Harness } from "./steps/support/testing";
import { DEMO_TARGETS } from "./testing";
import { defineStep, type Incident, type StepContext } from "./types";

// A step that touches no cluster: what it plans and records is all there is to see.
type Data = { at: Date; node: string };
const record = z.object({ node: z.string(), times: z.number() });
const demo = defineStep<Data, z.output<typeof record>>()({
  id: "demo-touch",
  stage: "isolate",
  title: "Touch",
  risk: "reversible",
  role: "analyst",
  summary: "Touches the node.",
  params: z.object({ force: z.boolean().default(false), note: z.string().optional() }),
  record,
  ui: { form: [{ kind: "checkbox", name: "force", label: "Force" }] },
  async plan(ctx) {
    return { changes: [{ target: `Node ${ctx.incident.targets.node}`, action: "patch" }], commands: [], warnings: [], data: { at: new Date(0), node: "n1" } };
  },
  async execute(ctx, plan) {
    const prior = ctx.priorRecord();
    return { outcome: "success", message: `touched ${plan.data.node}`, record: { node: plan.data.node, times: (prior?.times ?? 0) + 1 } };
  },
  async verify() {
    return { holds: true, message: "ok" };
  },
  async undo(_ctx, rec) {
    return { outcome: "success", message: `untouched ${rec?.node} after ${rec?.times}` };
  },
});

const incident: Incident = { id: "inc-1", title: "t", severity: "high", status: "open", createdBy: "a", createdAt: "t", targets: DEMO_TARGETS };

describe("defineStep typing", () => {
  it("infers params from the schema and takes plan data and record as stated", () => {
    expectTypeOf<Parameters<typeof demo.plan>[0]>().toEqualTypeOf<
      StepContext<{ force: boolean; note?: string | undefined }, { node: string; times: number }>
    >();
    expectTypeOf<Parameters<typeof demo.execute>[1]["data"]>().toEqualTypeOf<Data>();
    expectTypeOf(demo.id).toEqualTypeOf<"demo-touch">();
  });

  it("types another step's record by the step it names", () => {
    const read = (ctx: StepContext) => ctx.priorRecordOf(applyDenyAll)?.effectiveAt;
    expectTypeOf(read).returns.toEqualTypeOf<string | undefined>();
  });

  it("refuses forms naming fields the params do not have, and records the schema does not describe", () => {
    defineStep<Data, z.output<typeof record>>()({
      ...demo,
      // @ts-expect-error "forse" is not a key of the params
      ui: { form: [{ kind: "checkbox", name: "forse", label: "Force" }] },
    });
    defineStep<Data, z.output<typeof record>>()({
      ...demo,
      // @ts-expect-error the record must match the schema the step gives
      async execute() {
        return { outcome: "success", message: "", record: { node: 1 } };
      },
    });
    expect(true).toBe(true);
  });
});

describe("Harness", () => {
  it("plans through the executor's kernel: JSON-normalised data and the executor's plan hash", async () => {
    const h = new Harness(incident);
    const plan = await h.plan(demo, { note: "x" });
    expect(plan.data).toEqual({ at: "1970-01-01T00:00:00.000Z", node: "n1" });
    expect(plan.planHash).toBe(planHash({ stepId: "demo-touch", params: { force: false, note: "x" }, changes: plan.changes, data: plan.data }));
  });

  it("keeps records as the database would and hands them back parsed by the step's schema", async () => {
    const h = new Harness(incident);
    await h.execute(demo);
    const { result } = await h.execute(demo);
    expect(result.record).toEqual({ node: "n1", times: 2 });
    expect((await h.undo(demo)).message).toBe("untouched n1 after 2");
    h.runs[0].record = JSON.stringify({ node: 7 });
    expect(() => h.ctx(demo).priorRecord()).toThrow(/stored record of "demo-touch"/);
  });
});
