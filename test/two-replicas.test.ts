import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { resetConfigForTests } from "@/lib/config";
import { compromisedPod, DEMO_ARGS, PAYMENTS, simPost, simRequestSeq, simWritesSince } from "@/lib/containment/steps/support/testing";
import { kubeApis, resetKubeClientsForTests } from "@/lib/kube/clients";
import { openDb } from "@/lib/store";
import { postgresUrlOf } from "@/lib/store/fresh";
import { userToken } from "@/app/api/v1/testing";
import {
  buildIfStale,
  callReplica as call,
  createRunDatabase,
  freePort,
  killReplicas,
  logTail,
  replicaEnv,
  startReplicas,
  type Json,
  type Replica,
  type RunDatabase,
} from "@/scripts/production-console";
import { consoleEnvFor, startSimProcess, type SimProcess } from "@/sim/test/harness";

// Two `next start` replicas of one production build on one PostgreSQL database (created here,
// dropped after), in front of one simulator: what a Deployment with two pods behind a Service is.

const pgUrl = postgresUrlOf(process.env.DATABASE_URL);

const METRICS_TOKEN = randomBytes(24).toString("hex");

let sim: SimProcess;
let database: RunDatabase | undefined;
let replicas: Replica[] = [];
const tokens: Record<string, string> = {};
const saved = { ...process.env };

async function openIncidentVia(r: Replica, title: string): Promise<{ id: string; node: string; pod: string }> {
  const pod = await compromisedPod();
  const opened = await call(r, "POST", "/api/v1/incidents", tokens.analyst, { cluster: PAYMENTS, namespace: "shop", pod, title });
  expect(opened.status, JSON.stringify(opened.body) + logTail(r)).toBe(201);
  return { id: opened.body.id, node: opened.body.targets.node, pod };
}

async function runStep(r: Replica, token: string, id: string, stepId: string, extra: Json = {}) {
  const plan = await call(r, "POST", `/api/v1/incidents/${id}/steps/${stepId}/plan`, token, {});
  expect(plan.status, JSON.stringify(plan.body)).toBe(200);
  return call(r, "POST", `/api/v1/incidents/${id}/steps/${stepId}/execute`, token, { planHash: plan.body.planHash, ...extra });
}

/**
 * Opens an incident on `r`, isolates the pod, and starts a drain there that cannot finish (every
 * eviction is refused, as by a PodDisruptionBudget with nothing left to give); resolves once
 * `observer` sees it running and waiting. `draining` is the execute's answer (or its failure).
 */
async function heldDrain(r: Replica, observer: Replica, title: string) {
  const inc = await openIncidentVia(r, title);
  expect((await runStep(r, tokens.analyst, inc.id, "label-quarantine")).status).toBe(200);
  const cordon = await runStep(r, tokens.analyst, inc.id, "cordon-node");
  expect(cordon.status, JSON.stringify(cordon.body)).toBe(200);
  await simPost(sim, "/_sim/faults", { path: "/pods/[^/]+/eviction$", method: "POST", status: 429, times: 100_000 });
  // The demo leaves a bare debugging pod on the node; a drain without force refuses to lose it, so it goes first.
  let plan = await call(r, "POST", `/api/v1/incidents/${inc.id}/steps/drain-node/plan`, tokens.lead, {});
  const bare = /Pods without a controller are on the node \(([^)]+)\)/.exec(plan.body.blocked ?? "")?.[1];
  for (const key of bare?.split(", ") ?? []) {
    const [namespace, name] = key.split("/");
    await kubeApis(PAYMENTS).core.deleteNamespacedPod({ namespace, name, gracePeriodSeconds: 0 });
  }
  if (bare) plan = await call(r, "POST", `/api/v1/incidents/${inc.id}/steps/drain-node/plan`, tokens.lead, {});
  expect(plan.status, JSON.stringify(plan.body)).toBe(200);
  expect(plan.body.blocked, plan.body.blocked).toBeUndefined();
  const draining = call(r, "POST", `/api/v1/incidents/${inc.id}/steps/drain-node/execute`, tokens.lead, {
    planHash: plan.body.planHash,
    confirm: inc.pod,
    ...(plan.body.lock ? { overrideReason: "node protection follows right after the drain" } : {}),
  }).catch((err: unknown) => err);
  const progress = async (o: Replica) => (await call(o, "GET", `/api/v1/incidents/${inc.id}/steps/drain-node/progress`, tokens.analyst)).body;
  await vi.waitFor(
    async () => {
      const settled = await Promise.race([draining, new Promise((res) => setTimeout(() => res("pending"), 10))]);
      if (settled !== "pending") throw new Error(`the drain ended early: ${JSON.stringify(settled)}`);
      const now = await progress(observer);
      expect(now.run?.status).toBe("running");
      expect(JSON.stringify(now.lines)).toMatch(/waiting \(PodDisruptionBudget\)/);
    },
    { timeout: 60_000, interval: 250 },
  );
  return { inc, draining, progress };
}

if (pgUrl) {
  describe("two replicas on one PostgreSQL", () => {
    beforeAll(async () => {
      // One shared production build: made only when the sources are newer than it.
      buildIfStale();
      database = await createRunDatabase(pgUrl, "airlock_replicas");
      const db = await openDb(database.url);
      try {
        tokens.analyst = await userToken(db, "analyst@x.com", ["analyst"]);
        tokens.lead = await userToken(db, "lead@x.com", ["analyst", "lead", "approver"]);
        tokens.approver1 = await userToken(db, "approver1@x.com", ["approver"]);
        tokens.approver2 = await userToken(db, "approver2@x.com", ["approver"]);
      } finally {
        await db.destroy();
      }
      sim = await startSimProcess(DEMO_ARGS);
      // The test reads the simulated cluster (the compromised pod's name) through the console's own client.
      process.env.KUBECONFIG = sim.ready.kubeconfig;
      process.env.NEXTAUTH_SECRET ??= "s".repeat(40);
      resetConfigForTests();
      resetKubeClientsForTests();
      const ports = [await freePort(), await freePort()];
      const env = replicaEnv(saved, {
        databaseUrl: database.url,
        nextauthSecret: "r".repeat(40),
        nextauthUrl: `http://127.0.0.1:${ports[0]}`,
        sim: consoleEnvFor(sim.ready),
        extra: {
          // Two approvers per destructive step: two sign-offs landing at once must both count.
          APPROVAL_POLICY: '{"risks":{"destructive":2}}',
          LOG_LEVEL: "warn",
          AIRLOCK_METRICS_TOKEN: METRICS_TOKEN,
          // A short grace, so the SIGTERM test sees a drain outlast it.
          AIRLOCK_SHUTDOWN_GRACE_SECONDS: "5",
        },
      });
      replicas = await startReplicas(ports, env);
    }, 900_000); // a stale build is rebuilt first: minutes on two busy cores

    afterAll(async () => {
      await killReplicas(replicas);
      await sim?.stop();
      await database?.drop();
      process.env = saved;
      resetConfigForTests();
      resetKubeClientsForTests();
    });

    it("50 concurrent executes of one step over both replicas change the cluster exactly once", async () => {
      const [a, b] = replicas;
      const inc = await openIncidentVia(a, "Fifty clicks");
      const plan = await call(a, "POST", `/api/v1/incidents/${inc.id}/steps/cordon-node/plan`, tokens.analyst, {});
      expect(plan.status).toBe(200);
      const since = await simRequestSeq(sim);
      const answers = await Promise.all(
        Array.from({ length: 50 }, (_, i) =>
          call(i % 2 ? b : a, "POST", `/api/v1/incidents/${inc.id}/steps/cordon-node/execute`, tokens.analyst, { planHash: plan.body.planHash }),
        ),
      );
      const outcomes = answers.map((x) => (x.status === 200 ? x.body.outcome : `${x.status} ${x.body.error?.reason}`));
      // One run changed the node. The others were refused while it ran (409 already-running), or
      // came after it: their reviewed plan is no longer the plan (409 plan-changed), or the node
      // was found cordoned and nothing was changed (noop).
      expect(
        outcomes.filter((o) => o === "success"),
        outcomes.join(", "),
      ).toHaveLength(1);
      for (const o of outcomes.filter((x) => x !== "success")) expect(["noop", "409 already-running", "409 plan-changed"]).toContain(o);
      expect(await simWritesSince(sim, since)).toEqual([`PATCH /clusters/payments/api/v1/nodes/${inc.node}`]);
      // Each replica counts its own runs; Prometheus sums them: one success between the two.
      const sample = 'airlock_step_runs_total{step="cordon-node",operation="execute",outcome="succeeded"}';
      let succeeded = 0;
      for (const r of [a, b]) {
        const res = await fetch(`${r.base}/api/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
        expect(res.status).toBe(200);
        const line = (await res.text()).split("\n").find((l) => l.startsWith(sample + " "));
        succeeded += line ? Number(line.slice(sample.length + 1)) : 0;
      }
      expect(succeeded).toBe(1);
    });

    it("two approvers deciding at once on different replicas both count (the FOR UPDATE path)", async () => {
      const [a, b] = replicas;
      const inc = await openIncidentVia(a, "Two sign-offs");
      const plan = await call(a, "POST", `/api/v1/incidents/${inc.id}/steps/delete-pod/plan`, tokens.analyst, {});
      expect(plan.status, JSON.stringify(plan.body)).toBe(200);
      const req = await call(a, "POST", `/api/v1/incidents/${inc.id}/steps/delete-pod/approvals`, tokens.analyst, {
        planHash: plan.body.planHash,
        reason: "miner confirmed",
      });
      expect(req.status, JSON.stringify(req.body)).toBe(201);
      expect(req.body.requiredApprovals).toBe(2);
      const decide = (r: Replica, token: string) => call(r, "POST", `/api/v1/approvals/${req.body.id}/approve`, token, { comment: "" });
      const [one, two, again] = await Promise.all([decide(a, tokens.approver1), decide(b, tokens.approver2), decide(b, tokens.approver1)]);
      // approver1 asked twice at once (on both replicas): one of those counts, the other is refused.
      expect([one.status, again.status].sort()).toEqual([200, 409]);
      expect(two.status).toBe(200);
      const after = await call(b, "GET", `/api/v1/approvals/${req.body.id}`, tokens.analyst);
      expect(after.body).toMatchObject({ status: "approved" });
      expect(after.body.decisions.map((d: Json) => d.approver).sort()).toEqual(["approver1@x.com", "approver2@x.com"]);
    });

    it("a replica killed (-9) in the middle of a drain: the other one closes the run and records what verify found", async () => {
      const [a, b] = replicas;
      const { inc, draining, progress } = await heldDrain(a, b, "Drain and die");

      process.kill(-a.child.pid!, "SIGKILL");
      await draining;
      // Replica b notices that a's liveness lease ran out and closes the run.
      await vi.waitFor(async () => expect((await progress(b)).run?.status).not.toBe("running"), { timeout: 90_000, interval: 500 });
      const closed = await progress(b);
      expect(closed.run.message).toMatch(/^Interrupted: the console replica running it stopped answering; verify found: /);
      const timeline = await call(b, "GET", `/api/v1/incidents/${inc.id}/timeline`, tokens.analyst);
      const reconciled = (timeline.body.items as Json[]).filter((e) => e.stepId === "drain-node" && e.kind === "reconcile");
      expect(reconciled).toEqual([
        expect.objectContaining({ actor: "airlock", details: expect.objectContaining({ operation: "execute", markedAs: closed.run.status }) }),
      ]);
      // The (incident, step) lock is free again: the surviving replica takes the step.
      await fetch(`${sim.base}/_sim/faults`, { method: "DELETE" });
      const replan = await call(b, "POST", `/api/v1/incidents/${inc.id}/steps/drain-node/plan`, tokens.lead, {});
      expect(replan.status, JSON.stringify(replan.body)).toBe(200);
    }, 300_000); // the lease has to run out first: LEASE_TTL_MS + HEARTBEAT_MS after the kill

    it("SIGTERM during a drain: new step runs are refused with 503, the drain is recorded as interrupted, the process exits", async () => {
      const b = replicas[1];
      const { inc, draining, progress } = await heldDrain(b, b, "Drain and stop");
      const exited = new Promise<number | null>((res) => b.child.once("exit", (code) => res(code)));
      process.kill(b.child.pid!, "SIGTERM");
      await vi.waitFor(
        async () => {
          const refused = await call(b, "POST", `/api/v1/incidents/${inc.id}/steps/protect-node/execute`, tokens.lead, { planHash: "0".repeat(64) });
          expect(refused.status).toBe(503);
          expect(refused.body.error).toMatchObject({ reason: "shutting-down", message: expect.stringMatching(/shutting down/) });
        },
        { timeout: 30_000, interval: 100 },
      );
      // Answering still, during the grace period: the drain is still running there, and readiness
      // tells the load balancer to send new work elsewhere.
      expect((await progress(b)).run?.status).toBe("running");
      const ready = await fetch(`${b.base}/api/readyz`);
      expect(ready.status).toBe(503);
      expect(await ready.json()).toMatchObject({ checks: { steps: "stopping" } });
      expect(await exited).toBe(0);
      await draining;
      const db = await openDb(database!.url);
      try {
        const run = await db
          .selectFrom("step_runs")
          .selectAll()
          .where("incident_id", "=", inc.id)
          .where("step_id", "=", "drain-node")
          .executeTakeFirstOrThrow();
        expect(run.status).not.toBe("running");
        expect(run.message).toMatch(/^Interrupted: the console shut down \(SIGTERM\) before the step finished; verify found: /);
        const entries = await db
          .selectFrom("timeline")
          .select(["kind", "actor", "details"])
          .where("incident_id", "=", inc.id)
          .where("kind", "=", "reconcile")
          .execute();
        expect(entries).toHaveLength(1);
        expect(JSON.parse(entries[0].details)).toMatchObject({ operation: "execute", cause: expect.stringMatching(/SIGTERM/) });
      } finally {
        await db.destroy();
      }
      await fetch(`${sim.base}/_sim/faults`, { method: "DELETE" });
    }, 300_000);
  });
} else if (process.env.CI === "true") {
  it("two replicas on one PostgreSQL needs PostgreSQL", () => {
    throw new Error("CI=true but DATABASE_URL is not a postgres:// URL: the two-replica tests cannot run");
  });
}
