import "server-only";
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";
import { processSingleton } from "@/lib/process-singleton";
import { getDb } from "@/lib/store";

/** The upstream APIs Airlock calls, as the `upstream` label names them. */
export type Upstream = "kubernetes" | "compute" | "container" | "iam" | "storage" | "google";
export type RunOutcomeLabel = "succeeded" | "noop" | "failed" | "interrupted";

/**
 * One registry per process (every bundle of the Next server shares it through processSingleton),
 * so a counter bumped by the executor is the counter /api/metrics reads. Each replica exposes its
 * own counts; Prometheus sums them. The pending-approvals gauge is read from the shared database
 * at scrape time, so every replica reports the same value: aggregate it with max(), not sum().
 */
function create() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: "airlock_" });
  return {
    registry,
    stepRuns: new Counter({
      name: "airlock_step_runs_total",
      help: "Containment step runs that ended, by step, operation (execute or undo) and outcome",
      labelNames: ["step", "operation", "outcome"] as const,
      registers: [registry],
    }),
    stepDuration: new Histogram({
      name: "airlock_step_duration_seconds",
      help: "How long a step's execute or undo took, intent to result",
      labelNames: ["step", "operation"] as const,
      buckets: [0.1, 0.5, 1, 2, 5, 10, 30, 60, 120, 300, 900],
      registers: [registry],
    }),
    upstreamErrors: new Counter({
      name: "airlock_upstream_errors_total",
      help: "Errors answered by an upstream API that reached a step's result, by upstream and HTTP status",
      labelNames: ["upstream", "status"] as const,
      registers: [registry],
    }),
    alertsReceived: new Counter({
      name: "airlock_alerts_received_total",
      help: "Alert deliveries received, by source and outcome (accepted, duplicate, rejected)",
      labelNames: ["source", "outcome"] as const,
      registers: [registry],
    }),
    approvalsPending: new Gauge({
      name: "airlock_approvals_pending",
      help: "Approval requests waiting for a decision and not yet expired (read from the database at scrape time)",
      registers: [registry],
      async collect() {
        const db = await getDb();
        const row = await db
          .selectFrom("approval_requests")
          .select((eb) => eb.fn.countAll<number | string>().as("n"))
          .where("status", "=", "pending")
          .where("expires_at", ">", new Date().toISOString())
          .executeTakeFirstOrThrow();
        this.set(Number(row.n));
      },
    }),
  };
}

const held = processSingleton("metrics", create);

export function metricsRegistry(): Registry {
  return held.registry;
}

/** Starts a step's clock; `done` counts the run under its outcome and observes its duration. */
export function stepTimer(step: string, operation: "execute" | "undo"): { done: (outcome: RunOutcomeLabel) => void } {
  const end = held.stepDuration.startTimer({ step, operation });
  return {
    done: (outcome) => {
      end();
      held.stepRuns.inc({ step, operation, outcome });
    },
  };
}

/** Counts a run closed without its own result (a replica died, the console shut down). */
export function countInterrupted(step: string, operation: string): void {
  held.stepRuns.inc({ step, operation, outcome: "interrupted" });
}

export function countUpstreamError(upstream: Upstream, status: number): void {
  held.upstreamErrors.inc({ upstream, status: String(status) });
}

export function countAlert(source: string, outcome: string): void {
  held.alertsReceived.inc({ source, outcome });
}
