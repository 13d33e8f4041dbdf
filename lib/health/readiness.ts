import "server-only";
import fs from "node:fs";
import path from "node:path";
import { sql } from "kysely";
import { config, type Config } from "@/lib/config";
import { acceptingSteps } from "@/lib/replicas/accepting";
import { engineOf, getDb, pendingMigrations, type Db } from "@/lib/store";

/** One word per check: what a probe or an operator needs, nothing an attacker could use (no names, paths or messages). */
export type CheckWord = "ok" | "invalid" | "unreachable" | "pending" | "unreadable" | "skipped" | "stopping";

export type Readiness = {
  status: "ready" | "not ready";
  checks: { config: CheckWord; database: CheckWord; migrations: CheckWord; clusters: CheckWord; steps: CheckWord };
};

/** Where in-cluster configuration comes from when KUBECONFIG is unset (the pod's service account). */
export const IN_CLUSTER_TOKEN = "/var/run/secrets/kubernetes.io/serviceaccount/token";

function readable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.R_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

/**
 * The clusters file: every file of KUBECONFIG (joined by the platform's delimiter) readable, or,
 * without KUBECONFIG inside a pod, its service-account token. Outside a pod with neither, the
 * console has no cluster to reach yet; that is configuration, not unreadiness.
 */
export function clustersCheck(cfg: Pick<Config, "kubeconfig">, env: Record<string, string | undefined> = process.env): CheckWord {
  if (cfg.kubeconfig) {
    const files = cfg.kubeconfig.split(path.delimiter).filter(Boolean);
    return files.length > 0 && files.every(readable) ? "ok" : "unreadable";
  }
  if (env.KUBERNETES_SERVICE_HOST) return readable(IN_CLUSTER_TOKEN) ? "ok" : "unreadable";
  return "ok";
}

// Databases whose migrations were all found applied: a build's migrations, once applied, stay so,
// so later probes need not list them again. Per database, so a test's other database is checked anew.
const migrated = new WeakSet<Db>();

async function migrationsCheck(db: Db): Promise<CheckWord> {
  if (migrated.has(db)) return "ok";
  try {
    if ((await pendingMigrations(db, engineOf(db))).length > 0) return "pending";
  } catch {
    return "unreachable";
  }
  migrated.add(db);
  return "ok";
}

/**
 * Ready to take traffic: the configuration validates, the database answers a query now (not
 * only at start), every migration this build knows is applied, and the clusters file can be
 * read, and the replica is not shutting down. Never throws; each failure becomes a word.
 */
export async function readiness(): Promise<Readiness> {
  // Shutting down (SIGTERM): no new step runs here, so a load balancer should send them elsewhere.
  const checks: Readiness["checks"] = {
    config: "ok",
    database: "skipped",
    migrations: "skipped",
    clusters: "skipped",
    steps: acceptingSteps() ? "ok" : "stopping",
  };
  let cfg: Config;
  try {
    cfg = config();
  } catch {
    checks.config = "invalid";
    return { status: "not ready", checks };
  }
  checks.clusters = clustersCheck(cfg);
  try {
    const db = await getDb();
    await sql`select 1`.execute(db);
    checks.database = "ok";
    checks.migrations = await migrationsCheck(db);
  } catch {
    checks.database = "unreachable";
  }
  const ready = Object.values(checks).every((w) => w === "ok");
  return { status: ready ? "ready" : "not ready", checks };
}
