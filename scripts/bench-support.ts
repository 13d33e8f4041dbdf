// Shared by `npm run bench:contain` and `bench:drain`: a simulator process, the console's service
// layer pointed at it (as bench.ts does: the engine the /api/v1 route handlers call, without the
// HTTP hop and token check, which next-auth keeps out of a plain Node script), the real kubectl and
// gcloud run against the same simulator, and the table the figures print as.
import { spawn, spawnSync } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Caller } from "../lib/auth/roles";
import { consoleEnvFor, startSimProcess, type SimProcess } from "../sim/test/harness";

export function flag(name: string, fallback?: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
}

export function requireCli(bin: string, versionArgs: string[]): void {
  if (spawnSync(bin, versionArgs).status !== 0) throw new Error(`${bin} is needed: the benchmark compares against it`);
}

/** A simulator and a console environment (its own SQLite file and evidence directory) pointed at it. */
export async function benchWorld(simArgs: string[], extraEnv: Record<string, string> = {}): Promise<{ sim: SimProcess; dir: string }> {
  const sim = await startSimProcess(simArgs);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "airlock-bench-console-"));
  Object.assign(process.env, {
    ...consoleEnvFor(sim.ready),
    AIRLOCK_DEMO: "1",
    NEXTAUTH_SECRET: crypto.randomBytes(32).toString("hex"),
    DATABASE_URL: `file:${path.join(dir, "bench.sqlite")}`,
    EVIDENCE_DIR: path.join(dir, "evidence"),
    ...extraEnv,
  });
  return { sim, dir };
}

/** The bench's analyst: the caller the route handlers would pass the engine after authenticating a token. */
export const BENCH_CALLER: Caller = { id: "bench", email: "bench@airlock.local", name: null, roles: ["analyst", "approver"], via: "token" };

/** One shell command (kubectl or gcloud, a heredoc included) against the simulator; its wall time in seconds, start-up included. */
export function shellSeconds(sim: SimProcess, command: string): Promise<number> {
  const t = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn("bash", ["-c", command], { env: sim.env, stdio: ["ignore", "ignore", "pipe"] });
    let err = "";
    child.stderr.on("data", (d) => (err += String(d)));
    child.once("exit", (code) =>
      code === 0 ? resolve((performance.now() - t) / 1000) : reject(new Error(`${command.slice(0, 120)}… failed: ${err.slice(0, 400)}`)),
    );
  });
}

export function printTable(head: string[], rows: string[][]): void {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join("  ");
  console.log(line(head));
  console.log(widths.map((w) => "-".repeat(w)).join("  "));
  for (const r of rows) console.log(line(r));
}

export const secs = (s: number) => `${s.toFixed(2)} s`;
