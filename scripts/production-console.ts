// The console's production build run as a deployment runs it, for the tests and scripts that need
// the real thing over HTTP (test/two-replicas.test.ts, the proof's concurrency, authorization,
// bad-input and crashes figures, `npm run demo`): built only when its sources are newer than it,
// `next start` replicas on free ports, each in its own process group, and a database of their own
// for the run. Free of vitest, so plain-Node scripts use it too.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { buildIsStale } from "./build-freshness";
import { isConsoleReadyLine } from "./console-ready";

export const ROOT = path.resolve(__dirname, "..");
const NEXT = path.join(ROOT, "node_modules/next/dist/bin/next");

/**
 * Runs `next build` when the production build is missing or older than its sources; a fresh build
 * is reused as it is (vitest's two-replica test, the proof and the demo share one). Throws when the build fails.
 */
export function buildIfStale(opts: { env?: NodeJS.ProcessEnv; log?: (line: string) => void } = {}): boolean {
  if (!buildIsStale(ROOT)) return false;
  opts.log?.("building the console (first run or sources changed)…");
  const build = spawnSync(process.execPath, [NEXT, "build"], { cwd: ROOT, env: opts.env ?? process.env, stdio: ["ignore", "inherit", "inherit"] });
  if (build.status !== 0) throw new Error("next build failed (see its output above)");
  return true;
}

/** A port nobody listens on now (the OS picks it), so parallel runs and other servers never collide. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

export type Replica = {
  port: number;
  base: string;
  child: ChildProcess;
  /** The last few hundred chunks of its stdout and stderr, for failure messages. */
  log: string[];
};

/** Whether the replica's process has ended (exited or killed). */
export function hasExited(r: Replica): boolean {
  return r.child.exitCode !== null || r.child.signalCode !== null;
}

/** The tail of a replica's output, for an error message. */
export function logTail(r: Replica, chars = 3000): string {
  return r.log.join("").slice(-chars);
}

/** `next start` of the production build on 127.0.0.1:`port` with `env`. Resolve readiness with `whenReady`. */
export function startReplica(port: number, env: NodeJS.ProcessEnv): Replica {
  // Its own process group, so a kill -9 of the group takes whatever `next start` runs under it too.
  const child = spawn(process.execPath, [NEXT, "start", "-p", String(port), "-H", "127.0.0.1"], {
    cwd: ROOT,
    env,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  const log: string[] = [];
  const keep = (d: Buffer) => {
    log.push(String(d));
    if (log.length > 400) log.shift();
  };
  child.stdout!.on("data", keep);
  child.stderr!.on("data", keep);
  return { port, base: `http://127.0.0.1:${port}`, child, log };
}

/**
 * Resolves once the replica answers /api/readyz with 200 and has printed Next's ready line: its
 * own answer, since a port some other process took meanwhile would answer readyz too. Throws when
 * it exits first or is not ready within `timeoutMs`.
 */
export async function whenReady(r: Replica, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = "no answer yet";
  for (;;) {
    if (hasExited(r)) throw new Error(`the console replica on port ${r.port} exited before it was ready: ${logTail(r)}`);
    try {
      const res = await fetch(`${r.base}/api/readyz`);
      await res.arrayBuffer();
      last = `readyz answered ${res.status}`;
      if (res.status === 200 && r.log.join("").split("\n").some(isConsoleReadyLine)) return;
    } catch (err) {
      last = `readyz: ${(err as Error).message}`;
    }
    if (Date.now() > deadline) throw new Error(`the console replica on port ${r.port} was not ready in ${timeoutMs / 1000}s (${last}): ${logTail(r)}`);
    await new Promise((res) => setTimeout(res, 500));
  }
}

/** Starts one replica per port with `env` and waits until every one is ready; on failure the started ones are killed. */
export async function startReplicas(ports: number[], env: NodeJS.ProcessEnv): Promise<Replica[]> {
  const replicas = ports.map((port) => startReplica(port, env));
  try {
    await Promise.all(replicas.map((r) => whenReady(r)));
  } catch (err) {
    await killReplicas(replicas);
    throw err;
  }
  return replicas;
}

/** SIGKILLs the process group of every replica still running and waits until each has exited. */
export async function killReplicas(replicas: Replica[]): Promise<void> {
  const running = replicas.filter((r) => !hasExited(r));
  const exited = running.map((r) => new Promise((res) => r.child.once("exit", res)));
  for (const r of running) {
    try {
      process.kill(-r.child.pid!, "SIGKILL");
    } catch {
      // Gone between the check and the kill.
    }
  }
  await Promise.all(exited);
}

/**
 * Stops every replica still running as Kubernetes stops a pod: SIGTERM to its process group (the
 * console finishes or records its running steps and gives its leases up, lib/replicas/shutdown.ts),
 * then SIGKILL for any still running after `graceMs`. Waits until each has exited.
 */
export async function stopReplicas(replicas: Replica[], graceMs = 15_000): Promise<void> {
  const running = replicas.filter((r) => !hasExited(r));
  const exited = Promise.all(running.map((r) => new Promise((res) => r.child.once("exit", res))));
  for (const r of running) {
    try {
      process.kill(-r.child.pid!, "SIGTERM");
    } catch {
      // Gone between the check and the signal.
    }
  }
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([exited, new Promise((res) => (timer = setTimeout(res, graceMs)))]);
  clearTimeout(timer);
  await killReplicas(running);
}

/**
 * The settings every replica of a run shares, over `base` (usually process.env): one database, one
 * session secret, and plain http on loopback (the simulator's endpoints and session cookies
 * without TLS, as `npm run demo` allows). `sim` is the console's environment for a simulator
 * (consoleEnvFor in sim/test/harness.ts).
 */
export function replicaEnv(
  base: NodeJS.ProcessEnv,
  opts: { databaseUrl: string; nextauthSecret: string; nextauthUrl: string; sim: Record<string, string>; extra?: Record<string, string> },
): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...base,
    NODE_ENV: "production",
    DATABASE_URL: opts.databaseUrl,
    NEXTAUTH_SECRET: opts.nextauthSecret,
    NEXTAUTH_URL: opts.nextauthUrl,
    ...opts.sim,
    AIRLOCK_ALLOW_INSECURE_ENDPOINTS: "1",
    AIRLOCK_ALLOW_INSECURE_COOKIES: "1",
    LOG_LEVEL: base.LOG_LEVEL ?? "warn",
    ...opts.extra,
  };
  // The database is DATABASE_URL alone: a SQLite file setting or the demo flag left in `base` must not pick another.
  delete env.AIRLOCK_DB_FILE;
  delete env.AIRLOCK_DEMO;
  return env;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = Record<string, any>;

/**
 * One request to a replica as an API client makes it: a bearer token and/or a cookie header, a
 * JSON body. Its status and JSON answer (`{}` when empty, `{ text }` when the answer is not JSON).
 */
export async function callReplica(
  r: Replica,
  method: string,
  p: string,
  token?: string,
  body?: unknown,
  cookie?: string,
): Promise<{ status: number; body: Json }> {
  const headers: Record<string, string> = {};
  if (token) headers.authorization = `Bearer ${token}`;
  if (cookie) headers.cookie = cookie;
  if (body !== undefined) headers["content-type"] = "application/json";
  const res = await fetch(`${r.base}${p}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), redirect: "manual" });
  const text = await res.text();
  if (!text) return { status: res.status, body: {} };
  try {
    return { status: res.status, body: JSON.parse(text) };
  } catch {
    return { status: res.status, body: { text } };
  }
}

/** A database that exists for one run: `url` is a DATABASE_URL the console and openDb read. */
export type RunDatabase = { engine: "postgres" | "sqlite"; url: string; drop(): Promise<void> };

async function asAdmin<T>(pgUrl: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: pgUrl });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

/**
 * A new, empty database for one run (the console migrates it when it opens it): a PostgreSQL
 * database `<prefix>_<random>` on the server `pgUrl` names, created with that URL's role (which
 * must be allowed to create databases), or without `pgUrl` a SQLite file in a temporary directory.
 * `drop()` removes it (PostgreSQL: even with replicas still connected).
 */
export async function createRunDatabase(pgUrl: string | undefined, prefix: string): Promise<RunDatabase> {
  if (!/^[a-z_][a-z0-9_]*$/.test(prefix)) throw new Error(`database prefix ${prefix} is not a plain lower-case name`);
  if (!pgUrl) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), `${prefix}-`));
    return {
      engine: "sqlite",
      url: `file:${path.join(dir, "console.sqlite")}`,
      drop: async () => fs.rmSync(dir, { recursive: true, force: true }),
    };
  }
  const name = `${prefix}_${randomBytes(4).toString("hex")}`;
  await asAdmin(pgUrl, (c) => c.query(`create database ${name}`));
  const u = new URL(pgUrl);
  u.pathname = `/${name}`;
  return {
    engine: "postgres",
    url: u.toString(),
    drop: () => asAdmin(pgUrl, (c) => c.query(`drop database if exists ${name} with (force)`)).then(() => undefined),
  };
}
