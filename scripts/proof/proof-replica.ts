// A `next start` replica of the production build for a figure, on the proof's own scratch SQLite
// database and session secret, pointed at the figure's simulator: the users, API tokens and signed
// session cookies the figure makes in this process are valid there, and what the replica records
// this process reads back. The authorization, bad-input, crashes and faults figures call it over HTTP.
import path from "node:path";
import { config } from "@/lib/config";
import { consoleEnvFor, type SimProcess } from "@/sim/test/harness";
import { buildIfStale, freePort, replicaEnv, startReplicas, type Replica } from "../production-console";

/** Starts one replica (built first when the build is stale) and waits until it is ready; `extra` adds to its environment. */
export async function proofReplica(figure: string, sim: SimProcess, log: (line: string) => void, extra?: Record<string, string>): Promise<Replica> {
  const db = config().database;
  if (db.engine !== "sqlite") throw new Error("the proof's console database is its scratch SQLite file");
  // The replica runs on plain http, so it reads the cookie without the __Secure- prefix; so must sessionCookie() name it.
  if (config().secureCookies) throw new Error("NEXTAUTH_URL is https here: the session cookies would not be the ones a plain-http replica reads");
  buildIfStale({ log: (line) => log(`${figure}: ${line}`) });
  const port = await freePort();
  log(`${figure}: starting a replica of the production build on port ${port}`);
  const env = replicaEnv(process.env, {
    databaseUrl: `file:${path.resolve(db.file)}`,
    nextauthSecret: config().nextauthSecret,
    nextauthUrl: `http://127.0.0.1:${port}`,
    sim: consoleEnvFor(sim.ready),
    extra,
  });
  return (await startReplicas([port], env))[0];
}
