// Test support only (never imported by app code): a simulator per test file, incidents on the
// demo's compromised pod, and a tiny stand-in for the executor so each step can be driven
// through plan → execute → verify → repeat → undo exactly as the executor would.
import { createHash, randomUUID } from "node:crypto";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { useSimulator } from "@/lib/clusters/sim-env";
import type { SimProcess } from "@/sim/test/harness";
import { kubeApis } from "@/lib/kube/clients";
import { resolveTargets } from "@/lib/containment/targets";
import type { ExecuteResult, Incident, Plan, StepContext, StepDefinition } from "../../types";

export const DEMO_ARGS = ["--scenario", "demo", "--netpol-delay", "5"];
export const PAYMENTS = "gke_acme-prod_us-central1-a_payments";
export const COMPROMISED_ANNOTATION = "airlock.sim/compromised";

export async function startSim(): Promise<SimProcess> {
  return useSimulator(DEMO_ARGS);
}

export async function simPost(sim: SimProcess, path: string, body?: unknown): Promise<unknown> {
  const res = await fetch(`${sim.base}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`simulator ${path} answered ${res.status}: ${await res.text()}`);
  const text = await res.text();
  return text ? JSON.parse(text) : undefined;
}

export async function simGet(sim: SimProcess, path: string): Promise<unknown> {
  const res = await fetch(`${sim.base}${path}`);
  if (!res.ok) throw new Error(`simulator ${path} answered ${res.status}: ${await res.text()}`);
  return res.json();
}

/** Rebuilds the demo world so each test starts from the scenario as seeded. */
export async function resetSim(sim: SimProcess): Promise<void> {
  await simPost(sim, "/_sim/reset");
}

export async function advanceClock(sim: SimProcess, seconds: number): Promise<void> {
  await simPost(sim, "/_sim/clock/advance", { seconds });
}

/** The demo's compromised pod in a cluster (annotated by the scenario). */
export async function compromisedPod(cluster = PAYMENTS, namespace = "shop"): Promise<string> {
  const pods = await kubeApis(cluster).core.listNamespacedPod({ namespace });
  const pod = pods.items.find((p) => p.metadata?.annotations?.[COMPROMISED_ANNOTATION] === "true");
  if (!pod?.metadata?.name) throw new Error(`no pod annotated ${COMPROMISED_ANNOTATION} in ${cluster}/${namespace}`);
  return pod.metadata.name;
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

/** Holds what the executor would: records of successful runs, progress lines. */
export class Harness {
  records = new Map<string, Record<string, unknown>>();
  progress: { message: string; detail?: Record<string, unknown> }[] = [];
  constructor(public incident: Incident) {}

  ctx(params: Record<string, unknown> = {}): StepContext {
    return {
      incident: this.incident,
      params,
      progress: async (message, detail) => {
        this.progress.push({ message, detail });
      },
      priorRecord: (id) => this.records.get(id),
    };
  }

  async plan(step: StepDefinition, params: Record<string, unknown> = {}): Promise<Plan> {
    const parsed = step.params ? step.params.parse(params) : {};
    const p = await step.plan(this.ctx(parsed));
    const planHash = createHash("sha256").update(JSON.stringify({ id: step.id, parsed, c: p.changes, d: p.data })).digest("hex");
    return { ...p, stepId: step.id, risk: step.risk, planHash };
  }

  async execute(step: StepDefinition, params: Record<string, unknown> = {}): Promise<{ plan: Plan; result: ExecuteResult }> {
    const plan = await this.plan(step, params);
    if (plan.blocked) throw new Error(`plan blocked: ${plan.blocked}`);
    const parsed = step.params ? step.params.parse(params) : {};
    const result = await step.execute(this.ctx(parsed), plan);
    if (result.record) this.records.set(step.id, result.record);
    return { plan, result };
  }

  async verify(step: StepDefinition, params: Record<string, unknown> = {}) {
    return step.verify(this.ctx(step.params ? step.params.parse(params) : {}));
  }

  async undo(step: StepDefinition) {
    if (!step.undo) throw new Error(`${step.id} has no undo`);
    const result = await step.undo(this.ctx(), this.records.get(step.id));
    this.records.delete(step.id);
    return result;
  }
}

const run = promisify(execFile);

/** Runs a pasted command (the plan's, or the playbook's) with the simulator's kubectl/gcloud environment. */
export async function shell(sim: SimProcess, command: string): Promise<{ stdout: string; stderr: string }> {
  return run("sh", ["-c", command], { env: sim.env, maxBuffer: 16 * 1024 * 1024 });
}
