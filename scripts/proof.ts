// npm run proof [-- --quick] [-- --only <figure>]: measures what Airlock's safeguards hold under
// tampering and concurrency (more figures plug in under scripts/proof/), prints a table of
// figures with target and result, writes the whole run to .data/proof/<timestamp>.json, and
// exits 1 when a figure misses its target (2 when a figure could not run at all).
import "./require-node.cjs";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { randomBytes } from "node:crypto";

const ROOT = path.resolve(__dirname, "..");
const quick = process.argv.includes("--quick");
const only = process.argv.includes("--only") ? process.argv[process.argv.indexOf("--only") + 1] : undefined;

// A throwaway console configuration: its own database and evidence store, never the demo's.
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "airlock-proof-"));
delete process.env.AIRLOCK_DEMO;
Object.assign(process.env, {
  NEXTAUTH_SECRET: randomBytes(32).toString("base64url"),
  AIRLOCK_DB_FILE: path.join(scratch, "console.sqlite"),
  EVIDENCE_STORE: "fs",
  EVIDENCE_DIR: path.join(scratch, "evidence"),
  // Metrics on, so the authorization figure checks that no user's session or token opens them.
  AIRLOCK_METRICS_TOKEN: randomBytes(32).toString("base64url"),
  // The table and the figures' own lines are the output; the console's request log is not.
  LOG_LEVEL: process.env.LOG_LEVEL ?? "warn",
});
// The console's own database is the scratch SQLite file, never DATABASE_URL (that may be a shared
// test database): figures that use PostgreSQL get its URL in their options and open a schema of their own.
const databaseUrl = process.env.DATABASE_URL && /^postgres(ql)?:\/\//.test(process.env.DATABASE_URL) ? process.env.DATABASE_URL : undefined;
delete process.env.DATABASE_URL;

type Row = { id: string; title: string; target: string; result: string; met: boolean; seconds: number; details?: unknown; error?: string };

function table(rows: Row[]): string {
  const head = ["figure", "target", "result", "met", "s"];
  const cells = rows.map((r) => [r.title, r.target, r.error ? `could not run: ${r.error}` : r.result, r.met ? "yes" : "NO", r.seconds.toFixed(1)]);
  const widths = head.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
  const line = (c: string[]) => c.map((x, i) => x.padEnd(widths[i])).join("  ");
  return [line(head), widths.map((w) => "-".repeat(w)).join("  "), ...cells.map(line)].join("\n");
}

async function main(): Promise<number> {
  const { FIGURES } = await import("./proof/index");
  const log = (line: string) => process.stderr.write(`${line}\n`);
  const rows: Row[] = [];
  for (const f of FIGURES.filter((x) => !only || x.id === only)) {
    log(`proof: ${f.id}…`);
    const started = performance.now();
    try {
      const r = await f.run({ quick, log, postgresUrl: databaseUrl });
      rows.push({ id: f.id, title: f.title, target: f.target, ...r, seconds: (performance.now() - started) / 1000 });
    } catch (e) {
      rows.push({
        id: f.id,
        title: f.title,
        target: f.target,
        result: "",
        met: false,
        seconds: (performance.now() - started) / 1000,
        error: (e as Error).message,
      });
    }
  }
  process.stdout.write(`${table(rows)}\n`);
  const at = new Date().toISOString();
  const out = path.join(ROOT, ".data", "proof", `${at.replace(/[:.]/g, "-")}.json`);
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, JSON.stringify({ at, quick, host: { cpus: os.cpus().length, node: process.version }, figures: rows }, null, 2) + "\n");
  process.stdout.write(`written to ${path.relative(ROOT, out)}\n`);
  if (rows.some((r) => r.error)) return 2;
  return rows.every((r) => r.met) ? 0 : 1;
}

main()
  .then(
    (code) => code,
    (e: Error) => {
      process.stderr.write(`proof: ${e.message}\n`);
      return 2;
    },
  )
  .then((code) => {
    fs.rmSync(scratch, { recursive: true, force: true });
    process.exit(code);
  });
