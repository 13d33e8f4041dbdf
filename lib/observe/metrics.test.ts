import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resetConfigForTests } from "@/lib/config";
import { executeStep, planStep } from "@/lib/containment/executor";
import { setTestSteps } from "@/lib/containment/registry";
import { caller, freshDb, givenIncident } from "@/lib/containment/testing";
import type { StepDefinition } from "@/lib/containment/types";
import type { Db } from "@/lib/store";
import { metricsAnswer } from "./metrics-door";

const TOKEN = "m".repeat(40);
const analyst = caller("analyst@demo.local", "analyst");
let close: () => Promise<void>;
let db: Db;
const saved = { ...process.env };

// A step whose second execution meets a Kubernetes API refusal, shaped as client-node throws it.
let calls = 0;
const tag: StepDefinition = {
  id: "tag-pod",
  stage: "isolate",
  title: "Tag the pod",
  risk: "reversible",
  role: "analyst",
  summary: "adds a label",
  async plan() {
    return { changes: [{ target: "Pod", action: "patch" }], commands: [], warnings: [], data: {} };
  },
  async execute() {
    if (++calls > 1)
      throw Object.assign(new Error("HTTP-Code: 403"), { code: 403, body: { kind: "Status", message: 'pods "p" is forbidden', reason: "Forbidden" } });
    return { outcome: "success", message: "tagged" };
  },
  async verify() {
    return { holds: calls === 1, message: "" };
  },
};

beforeAll(async () => {
  process.env.NEXTAUTH_SECRET = "x".repeat(40);
  resetConfigForTests();
  ({ db, close } = await freshDb());
  setTestSteps([tag]);
});
afterAll(async () => {
  setTestSteps(undefined);
  await close();
  process.env = saved;
  resetConfigForTests();
});

const scrape = (authorization?: string) => metricsAnswer(new Request("http://h/api/metrics", { headers: authorization ? { authorization } : {} }));

/** The value of one sample line, e.g. value(text, 'airlock_step_runs_total{step="x",...}'). */
function value(text: string, sample: string): number | undefined {
  const line = text.split("\n").find((l) => l.startsWith(sample + " "));
  return line === undefined ? undefined : Number(line.slice(sample.length + 1));
}

describe("GET /api/metrics", () => {
  it("does not exist without AIRLOCK_METRICS_TOKEN, and refuses a scrape without the right token", async () => {
    delete process.env.AIRLOCK_METRICS_TOKEN;
    resetConfigForTests();
    expect((await scrape(`Bearer ${TOKEN}`)).status).toBe(404);
    process.env.AIRLOCK_METRICS_TOKEN = TOKEN;
    resetConfigForTests();
    expect((await scrape()).status).toBe(401);
    expect((await scrape(`Bearer ${"n".repeat(40)}`)).status).toBe(401);
    expect((await scrape(`Bearer ${TOKEN}x`)).status).toBe(401);
  });

  it("counts step runs by step and outcome, their duration, upstream errors and pending approvals", async () => {
    const before = await (await scrape(`Bearer ${TOKEN}`)).text();
    const incident = await givenIncident(analyst);
    const plan = await planStep(analyst, incident.id, "tag-pod");
    await executeStep(analyst, incident.id, "tag-pod", { planHash: plan.planHash });
    const again = await planStep(analyst, incident.id, "tag-pod");
    await expect(executeStep(analyst, incident.id, "tag-pod", { planHash: again.planHash })).rejects.toMatchObject({ status: 502 });

    const res = await scrape(`Bearer ${TOKEN}`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await res.text();
    const delta = (sample: string) => (value(text, sample) ?? 0) - (value(before, sample) ?? 0);
    expect(delta('airlock_step_runs_total{step="tag-pod",operation="execute",outcome="succeeded"}')).toBe(1);
    expect(delta('airlock_step_runs_total{step="tag-pod",operation="execute",outcome="failed"}')).toBe(1);
    expect(delta('airlock_step_duration_seconds_count{step="tag-pod",operation="execute"}')).toBe(2);
    expect(delta('airlock_upstream_errors_total{upstream="kubernetes",status="403"}')).toBe(1);
    expect(value(text, "airlock_approvals_pending")).toBe(0);
    expect(text).toContain("# TYPE airlock_alerts_received_total counter");
  });

  it("reports the approval requests still waiting, not the lapsed or decided ones", async () => {
    const incident = await givenIncident(analyst);
    const at = Date.now();
    const request = (id: string, status: "pending" | "approved", expiresIn: number) => ({
      id,
      incident_id: incident.id,
      step_id: "tag-pod",
      plan_hash: "0".repeat(64),
      plan: "{}",
      params: "{}",
      reason: "miner",
      requested_by: "analyst@demo.local",
      requested_role: "analyst",
      requested_at: new Date(at).toISOString(),
      expires_at: new Date(at + expiresIn).toISOString(),
      required_approvals: 1,
      status,
      decided_at: null,
    });
    await db
      .insertInto("approval_requests")
      .values([request("w1", "pending", 600_000), request("w2", "pending", 600_000), request("gone", "pending", -1_000), request("done", "approved", 600_000)])
      .execute();
    expect(value(await (await scrape(`Bearer ${TOKEN}`)).text(), "airlock_approvals_pending")).toBe(2);
  });
});
