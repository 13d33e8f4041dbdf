// Test support only (never imported by app code): a simulator per test file, incidents on the
// demo's compromised pod, and a harness that drives each step through plan → execute → verify
// → repeat → undo with the executor's own kernel.
import { randomUUID } from "node:crypto";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { useSimulator } from "@/lib/clusters/sim-env";
import { simPost, type SimProcess } from "@/sim/test/harness";
import { compromisedPod, PAYMENTS } from "@/lib/clusters/sim-console";
import { resolveTargets } from "@/lib/containment/targets";
import { readRecord, recordSchema, stepContext } from "../../context";
import type { StepRunRow } from "../../db";
import { computePlan, validateParams } from "../../executor";
import { recordRunInEffect, runInEffect } from "../../runs";
import type { AnyStep, ExecuteResult, Incident, JsonObject, Plan, StepContext, StepDefinition } from "../../types";
import { safeName } from "@/lib/evidence/sink";
import type { EvidenceStore } from "@/lib/evidence/types";
import type { ArtifactSink } from "./artifacts";

// Moved to vitest-free modules (the proof and benchmark scripts use them too); re-exported for the tests.
export { COMPROMISED_ANNOTATION, compromisedPod, PAYMENTS } from "@/lib/clusters/sim-console";
export { simGet, simPost, simRequestSeq, simWritesSince } from "@/sim/test/harness";

export const DEMO_ARGS = ["--scenario", "demo", "--netpol-delay", "5"];

export async function startSim(): Promise<SimProcess> {
  return useSimulator(DEMO_ARGS);
}

/** Rebuilds the demo world so each test starts from the scenario as seeded. */
export async function resetSim(sim: SimProcess): Promise<void> {
  await simPost(sim, "/_sim/reset");
}

export async function advanceClock(sim: SimProcess, seconds: number): Promise<void> {
  await simPost(sim, "/_sim/clock/advance", { seconds });
}

export async function openIncident(cluster = PAYMENTS, namespace = "shop", pod?: string): Promise<Incident> {
  const name = pod ?? (await compromisedPod(cluster, namespace));
  const { targets } = await resolveTargets(cluster, namespace, name);
  return {
    id: `inc-${randomUUID().slice(0, 8)}`,
    title: "test incident",
    severity: "high",
    status: "open",
    createdBy: "tester@example.com",
    createdAt: new Date().toISOString(),
    targets,
  };
}

/**
 * Drives a step as the executor does, with the executor's own pieces: its context (records
 * parsed by the step's schema), its plan kernel (JSON normalisation and plan hash) and its
 * params validation. Holds what the database would: the runs, with their records as stored.
 */
export class Harness {
  runs: StepRunRow[] = [];
  progress: { message: string; detail?: Record<string, unknown> }[] = [];
  /** The evidence sink execute gets, as the executor hands one (see evidenceStoreSink); none by default. */
  artifacts?: ArtifactSink;
  constructor(public incident: Incident) {}

  /** A context as the executor builds it; params as given (undo and reconcile get stored params, not re-validated ones). */
  ctx<P, R>(step: StepDefinition<P, unknown, R>, params: JsonObject = {}): StepContext<P, R> {
    const ctx = stepContext(this.incident, step, params, this.runs, {
      progress: async (message, detail) => {
        this.progress.push({ message, detail });
      },
    });
    return this.artifacts ? { ...ctx, artifacts: this.artifacts } : ctx;
  }

  async plan(step: AnyStep, params: JsonObject = {}): Promise<Plan> {
    return computePlan(step, this.ctx(step, validateParams(step, params)));
  }

  async execute(step: AnyStep, params: JsonObject = {}): Promise<{ plan: Plan; result: ExecuteResult }> {
    const plan = await this.plan(step, params);
    if (plan.blocked) throw new Error(`plan blocked: ${plan.blocked}`);
    const parsed = validateParams(step, params);
    const result = await step.execute(this.ctx(step, parsed), plan);
    const at = new Date().toISOString();
    this.runs.push({
      id: `run-${this.runs.length + 1}`,
      incident_id: this.incident.id,
      step_id: step.id,
      operation: "execute",
      status: result.outcome === "noop" ? "noop" : "succeeded",
      plan_hash: plan.planHash,
      params: JSON.stringify(parsed),
      record: result.record === undefined ? null : JSON.stringify(result.record),
      message: result.message,
      actor: "tester@example.com",
      role: "analyst",
      started_at: at,
      finished_at: at,
    });
    return { plan, result };
  }

  /** Executes an already reviewed plan again without recording a run (a repeat must be a no-op). */
  async executePlan(step: AnyStep, plan: Plan, params: JsonObject = {}): Promise<ExecuteResult> {
    return step.execute(this.ctx(step, validateParams(step, params)), plan);
  }

  async verify(step: AnyStep, params: JsonObject = {}) {
    return step.verify(this.ctx(step, validateParams(step, params)));
  }

  async undo(step: AnyStep) {
    if (!step.undo) throw new Error(`${step.id} has no undo`);
    const done = runInEffect(this.runs, step.id);
    const result = await step.undo(this.ctx(step), readRecord(step.id, recordSchema(step), recordRunInEffect(this.runs, step.id)));
    if (done) this.runs = this.runs.filter((r) => r !== done);
    return result;
  }
}

/**
 * A sink over a real artifact store (no database): what a step puts or streams lands in
 * `store` under the incident, and `stored` lists it with the store's own hash and size.
 */
export function evidenceStoreSink(store: EvidenceStore, incidentId: string) {
  const stored: { name: string; key: string; sha256: string; size: number; body?: string }[] = [];
  const sink: ArtifactSink = {
    async put(a) {
      const key = `${incidentId}/${a.sha256}-${safeName(a.name)}`;
      await store.put(key, Buffer.from(a.body, "utf8"), a.contentType);
      stored.push({ name: a.name, key, sha256: a.sha256, size: a.size, body: a.body });
    },
    async putStream(a, body) {
      const s = await store.putStream(incidentId, safeName(a.name), body, a.contentType);
      stored.push({ name: a.name, ...s });
      return s;
    },
  };
  return { sink, stored };
}

const run = promisify(execFile);

/** Runs a pasted command (the plan's, or the playbook's) with the simulator's kubectl/gcloud environment. */
export async function shell(sim: SimProcess, command: string): Promise<{ stdout: string; stderr: string }> {
  return run("sh", ["-c", command], { env: sim.env, maxBuffer: 16 * 1024 * 1024 });
}
