import { afterAll, beforeAll, expect, it, vi } from "vitest";
import { executeStepAction } from "@/app/incidents/actions/execute-step";
import { planStepAction } from "@/app/incidents/actions/plan-step";
import type { Caller } from "@/lib/auth";
import { compromisedPod, PAYMENTS, simPost, startSim } from "@/lib/containment/steps/support/testing";
import { caller, freshDb } from "@/lib/containment/testing";
import type { SimProcess } from "@/sim/test/harness";
import { POST as executeRoute } from "./[id]/steps/[stepId]/execute/route";
import { POST as planRoute } from "./[id]/steps/[stepId]/plan/route";
import { POST as openRoute } from "./route";
import { callRoute as call, userToken } from "../testing";

// Both doors on the same refusal: the simulator answers 403 to cordon-node's PATCH of the node.
// An API caller and the analyst in the wizard (the server action) must read the same reason:
// what failed, on which node, and what the API server said.

const who = vi.hoisted(() => ({ caller: null as Caller | null }));
vi.mock("@/lib/auth", async (importOriginal) => ({
  ...(await importOriginal<typeof import("@/lib/auth")>()),
  getCaller: async () => who.caller,
}));
vi.mock("next/cache", () => ({ revalidatePath: () => {} }));

let sim: SimProcess;
let close: () => Promise<void>;
let analyst: string;

beforeAll(async () => {
  sim = await startSim();
  const fresh = await freshDb();
  close = fresh.close;
  analyst = await userToken(fresh.db, "analyst@x.com", ["analyst"]);
  who.caller = caller("analyst@x.com", "analyst");
});
afterAll(async () => {
  await close?.();
  await sim?.stop();
});

// Each request is a log line of its own with its own reference; the reason must not differ.
const REF = / \(ref [0-9a-f]{12}\)$/;

it("a step refused by the API server fails with the same readable reason through the API and the wizard's action", async () => {
  const pod = await compromisedPod();
  const opened = await call(openRoute, "POST", "/api/v1/incidents", {}, analyst, { cluster: PAYMENTS, namespace: "shop", pod, title: "Refused cordon" });
  expect(opened.status).toBe(201);
  const id = opened.body.id as string;
  const node = opened.body.targets.node as string;
  const p = { id, stepId: "cordon-node" };
  const base = `/api/v1/incidents/${id}/steps/cordon-node`;

  await simPost(sim, "/_sim/faults", { path: `^/clusters/[^/]+/api/v1/nodes/${node.replace(/\./g, "\\.")}$`, method: "PATCH", status: 403 });
  const reason = `"Cordon the node" failed: Cordoning ${node}: injected fault: status 403`;

  const plan = await call(planRoute, "POST", `${base}/plan`, p, analyst, {});
  expect(plan.status, JSON.stringify(plan.body)).toBe(200);
  const viaApi = await call(executeRoute, "POST", `${base}/execute`, p, analyst, { planHash: plan.body.planHash });
  expect(viaApi.status).toBe(502);
  expect(viaApi.body.error).toMatchObject({ code: 502, reason: "step-failed", ref: expect.any(String) });
  expect(viaApi.body.error.message).toMatch(REF);
  expect(viaApi.body.error.message.replace(REF, "")).toBe(reason);

  const actionPlan = await planStepAction(p);
  if (!actionPlan.ok) throw new Error(actionPlan.message);
  const viaAction = await executeStepAction({ ...p, planHash: actionPlan.data.planHash });
  expect(viaAction.ok).toBe(false);
  if (viaAction.ok) return;
  expect(viaAction.message).toMatch(REF);
  expect(viaAction.message.replace(REF, "")).toBe(reason);
});
