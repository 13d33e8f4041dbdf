// Concurrency: 50 executes of one step with the same reviewed plan, fired at once over HTTP at two
// `next start` replicas of the production build (split between them) that share one database and
// one simulator, as two pods of the Deployment behind its Service would. Target: exactly one side
// effect, counted in the simulator's request log (`/_sim/requests?writes=true`), one success, and
// every other call refused cleanly (no 5xx).
import { randomBytes } from "node:crypto";
import { userToken } from "@/app/api/v1/route-call";
import { openDb } from "@/lib/store";
import { consoleEnvFor, type SimProcess } from "@/sim/test/harness";
import {
  buildIfStale,
  callReplica,
  createRunDatabase,
  freePort,
  killReplicas,
  replicaEnv,
  startReplicas,
  type Replica,
  type RunDatabase,
} from "../production-console";
import { compromisedPod, PAYMENTS as CLUSTER, simRequestSeq, simWritesSince, startConsoleSim } from "./console-sim";
import type { Figure } from "./types";

const STEP = "cordon-node";
const CALLS = 50;
const REPLICAS = 2;

/** The run's database: PostgreSQL when the proof has a URL for it; else, outside CI, one SQLite file both replicas open. */
async function replicasDatabase(postgresUrl: string | undefined, log: (line: string) => void): Promise<RunDatabase> {
  if (!postgresUrl && process.env.CI === "true") {
    throw new Error("CI=true but DATABASE_URL is not a postgres:// URL: two replicas on one PostgreSQL cannot run");
  }
  if (!postgresUrl) log("concurrency: no postgres:// DATABASE_URL, so the two replicas share one SQLite file");
  return createRunDatabase(postgresUrl, "airlock_proof_concurrency");
}

export const concurrency: Figure = {
  id: "concurrency",
  title: `${CALLS} concurrent executes of ${STEP} (one plan) over HTTP, production build, ${REPLICAS} replicas`,
  target: "exactly 1 side effect",
  async run({ log, postgresUrl }) {
    const database = await replicasDatabase(postgresUrl, log);
    let replicas: Replica[] = [];
    let sim: SimProcess | undefined;
    try {
      // It also points this process's clients at the simulator (to find the compromised pod).
      sim = await startConsoleSim();
      buildIfStale({ log: (line) => log(`concurrency: ${line}`) });
      const db = await openDb(database.url);
      let token: string;
      try {
        token = await userToken(db, "proof-analyst@x.com", ["analyst"]);
      } finally {
        await db.destroy();
      }
      const ports = await Promise.all(Array.from({ length: REPLICAS }, () => freePort()));
      log(`concurrency: starting ${REPLICAS} replicas of the production build on ports ${ports.join(", ")} (${database.engine})`);
      replicas = await startReplicas(
        ports,
        replicaEnv(process.env, {
          databaseUrl: database.url,
          nextauthSecret: randomBytes(32).toString("base64url"),
          nextauthUrl: `http://127.0.0.1:${ports[0]}`,
          sim: consoleEnvFor(sim.ready),
        }),
      );

      const pod = await compromisedPod(CLUSTER);
      const opened = await callReplica(replicas[0], "POST", "/api/v1/incidents", token, {
        cluster: CLUSTER,
        namespace: "shop",
        pod,
        title: "proof: concurrency",
      });
      if (opened.status !== 201) throw new Error(`opening the incident answered ${opened.status}`);
      const id = opened.body.id as string;
      const url = `/api/v1/incidents/${id}/steps/${STEP}`;
      const plan = await callReplica(replicas[1], "POST", `${url}/plan`, token, {});
      if (plan.status !== 200) throw new Error(`planning answered ${plan.status}`);
      const since = await simRequestSeq(sim);
      log(`concurrency: firing ${CALLS} executes of ${STEP} on node ${opened.body.targets.node}, split over the ${REPLICAS} replicas`);
      const answers = await Promise.all(
        Array.from({ length: CALLS }, async (_, i) => {
          const replica = i % REPLICAS;
          return { replica, ...(await callReplica(replicas[replica], "POST", `${url}/execute`, token, { planHash: plan.body.planHash })) };
        }),
      );
      // Re-plans at execute time use dry runs, which the log does not count as writes.
      const effects = await simWritesSince(sim, since);
      const statuses: Record<string, number> = {};
      const perReplica = replicas.map((r) => ({ port: r.port, statuses: {} as Record<string, number> }));
      for (const a of answers) {
        const key = a.status === 200 ? `200 ${a.body.outcome}` : `${a.status} ${a.body.error?.reason ?? ""}`.trim();
        statuses[a.status] = (statuses[a.status] ?? 0) + 1;
        perReplica[a.replica].statuses[key] = (perReplica[a.replica].statuses[key] ?? 0) + 1;
      }
      const succeeded = answers.filter((a) => a.status === 200 && a.body.outcome === "success").length;
      const serverErrors = answers.filter((a) => a.status >= 500).length;
      const where = database.engine === "postgres" ? "on PostgreSQL" : "on one SQLite file (no PostgreSQL URL)";
      return {
        result: `${effects.length} side effect(s), ${succeeded} success; answers ${Object.entries(statuses)
          .map(([s, n]) => `${n}×${s}`)
          .join(", ")}; ${REPLICAS} replicas ${where}`,
        met: effects.length === 1 && succeeded === 1 && serverErrors === 0,
        details: {
          calls: CALLS,
          database: database.engine,
          statuses,
          perReplica,
          succeeded,
          serverErrors,
          sideEffects: effects,
        },
      };
    } finally {
      await killReplicas(replicas);
      await sim?.stop();
      await database.drop();
    }
  },
};
