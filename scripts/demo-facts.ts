// What a running `npm run demo` tells the admin scripts (token, users, audit:verify, …): where
// its database is. Without it those scripts opened .data/airlock.sqlite (another database) and
// refused to start without NEXTAUTH_SECRET, while the demo used .data/demo/airlock.sqlite.
import fs from "node:fs";
import path from "node:path";

type Env = Record<string, string | undefined>;

export type DemoFacts = {
  pid: number;
  url: string;
  /** Absolute path of the demo's SQLite file; absent when it runs on DATABASE_URL (never written down: it may hold a password). */
  sqliteFile?: string;
  startedAt: string;
};

export const demoFactsFile = (demoDir: string) => path.join(demoDir, "console.json");

export function writeDemoFacts(demoDir: string, facts: DemoFacts): void {
  fs.mkdirSync(demoDir, { recursive: true, mode: 0o700 });
  fs.writeFileSync(demoFactsFile(demoDir), JSON.stringify(facts, null, 2) + "\n", { mode: 0o600 });
}

/** Removes the facts if they are still this process's (a newer demo may have replaced them). */
export function clearDemoFacts(demoDir: string, pid: number): void {
  const facts = readDemoFacts(demoDir, () => true);
  if (facts?.pid === pid) fs.rmSync(demoFactsFile(demoDir), { force: true });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** The running demo's facts, or null when there are none or the demo that wrote them is gone. */
export function readDemoFacts(demoDir: string, isAlive: (pid: number) => boolean = alive): DemoFacts | null {
  try {
    const f = JSON.parse(fs.readFileSync(demoFactsFile(demoDir), "utf8")) as DemoFacts;
    return typeof f.pid === "number" && isAlive(f.pid) ? f : null;
  } catch {
    return null;
  }
}

/**
 * The environment an admin script runs with. A database chosen explicitly (AIRLOCK_DB_FILE or
 * DATABASE_URL) always wins; otherwise, while a demo runs, its database, in demo mode (so its
 * generated secret in .data/demo serves and NEXTAUTH_SECRET is not needed). `note` says which.
 */
export function adminScriptEnv(env: Env, demoDir: string, isAlive?: (pid: number) => boolean): { env: Env; note?: string } {
  if (env.AIRLOCK_DB_FILE || env.DATABASE_URL) return { env };
  const facts = readDemoFacts(demoDir, isAlive);
  if (!facts) return { env };
  if (!facts.sqliteFile) {
    return {
      env,
      note: `the demo at ${facts.url} runs on DATABASE_URL: export the same DATABASE_URL (and NEXTAUTH_SECRET if you set one) to reach its database`,
    };
  }
  return {
    env: { ...env, AIRLOCK_DB_FILE: facts.sqliteFile, AIRLOCK_DEMO: env.AIRLOCK_DEMO ?? "1" },
    note: `using the database of the demo running at ${facts.url}: ${facts.sqliteFile} (set AIRLOCK_DB_FILE or DATABASE_URL to use another)`,
  };
}
