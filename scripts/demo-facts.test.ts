import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { isConsoleReadyLine } from "./console-ready";
import { adminScriptEnv, clearDemoFacts, readDemoFacts, writeDemoFacts } from "./demo-facts";

const ROOT = path.resolve(__dirname, "..");
const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), "airlock-demo-facts-"));

// `npm run token` and `npm run audit:verify` must work while the demo runs, on its database.
describe("admin scripts find the running demo's database", () => {
  it("uses the live demo's SQLite file in demo mode, unless a database is chosen explicitly", () => {
    const dir = tmp();
    writeDemoFacts(dir, { pid: 4242, url: "http://localhost:3000", sqliteFile: "/x/demo.sqlite", startedAt: "2026-01-01T00:00:00Z" });
    const live = () => true;
    const found = adminScriptEnv({}, dir, live);
    expect(found.env).toMatchObject({ AIRLOCK_DB_FILE: "/x/demo.sqlite", AIRLOCK_DEMO: "1" });
    expect(found.note).toMatch(/demo running at http:\/\/localhost:3000: \/x\/demo\.sqlite/);
    expect(adminScriptEnv({ AIRLOCK_DB_FILE: "/mine.sqlite" }, dir, live)).toEqual({ env: { AIRLOCK_DB_FILE: "/mine.sqlite" } });
    expect(adminScriptEnv({ DATABASE_URL: "postgres://h/db" }, dir, live).env.AIRLOCK_DB_FILE).toBeUndefined();
    // A demo that died without cleaning up lends nothing.
    expect(adminScriptEnv({}, dir, () => false)).toEqual({ env: {} });
    // A demo on PostgreSQL does not write its URL down: the note says what to export.
    writeDemoFacts(dir, { pid: 4242, url: "http://localhost:3000", startedAt: "2026-01-01T00:00:00Z" });
    expect(adminScriptEnv({}, dir, live).note).toMatch(/export the same DATABASE_URL/);
    clearDemoFacts(dir, 1);
    expect(readDemoFacts(dir, live)).not.toBeNull();
    clearDemoFacts(dir, 4242);
    expect(readDemoFacts(dir, live)).toBeNull();
  });

  function run(script: string, args: string[], demoDir: string) {
    const env: Record<string, string | undefined> = { ...process.env, AIRLOCK_DEMO_DIR: demoDir };
    for (const k of ["AIRLOCK_DB_FILE", "DATABASE_URL", "NEXTAUTH_SECRET", "AIRLOCK_DEMO", "NODE_ENV"]) delete env[k];
    return spawnSync(process.execPath, [path.join(ROOT, "node_modules/tsx/dist/cli.mjs"), "--conditions=react-server", `scripts/${script}`, ...args], {
      cwd: ROOT,
      env: env as NodeJS.ProcessEnv,
      encoding: "utf8",
      timeout: 60_000,
    });
  }

  it("npm run audit:verify and npm run token work against a running demo with nothing exported", () => {
    const dir = tmp();
    const dbFile = path.join(dir, "airlock.sqlite");
    // This test process stands in for the running demo (its pid is alive).
    writeDemoFacts(dir, { pid: process.pid, url: "http://localhost:3999", sqliteFile: dbFile, startedAt: new Date().toISOString() });

    const token = run("token.ts", ["create", "--user", "admin@demo.local", "--name", "facts-test"], dir);
    expect(token.stderr).toContain(`using the database of the demo running at http://localhost:3999: ${dbFile}`);
    expect(token.status).toBe(0);
    expect(token.stdout).toMatch(/created token .* for admin@demo\.local, expires (\d{4}-\d\d-\d\dT[\d:.]+Z);/);
    const expires = Date.parse(/expires (\S+);/.exec(token.stdout)![1]);
    expect(expires - Date.now()).toBeGreaterThan(89 * 86_400_000);
    const reader = run("token.ts", ["create", "--user", "admin@demo.local", "--name", "reader", "--days", "7", "--read-only"], dir);
    expect(reader.stdout).toMatch(/created read-only token .* \(reader\) for admin@demo\.local, expires /);
    const list = run("token.ts", ["list"], dir);
    expect(list.stdout).toMatch(/\treader\tread-only\tactive\texpires \d{4}-/);

    const verify = run("audit-verify.ts", [], dir);
    expect(verify.status).toBe(0);
    expect(verify.stdout).toMatch(/^timeline OK: [1-9]\d* entries/);
  });

  it("without a demo or a configured database, says exactly what to set", () => {
    const verify = run("audit-verify.ts", [], tmp());
    expect(verify.status).toBe(2);
    expect(verify.stderr).toMatch(/NEXTAUTH_SECRET is required/);
    expect(verify.stderr).toMatch(/npm run demo.*\n.*AIRLOCK_DB_FILE=<sqlite file> or DATABASE_URL=<postgres:\/\/ URL>/);
  });
});

describe("the demo's banner", () => {
  it("is printed on Next's ready line only, not on the console's own 'airlock ready' log line", () => {
    expect(isConsoleReadyLine("✓ Ready in 105ms")).toBe(true);
    expect(isConsoleReadyLine(" ✓ Ready in 2.1s")).toBe(true);
    expect(isConsoleReadyLine('{"level":"info","msg":"airlock ready","database":"sqlite","demo":true}')).toBe(false);
    expect(isConsoleReadyLine("✓ Running next.config.js took 12ms")).toBe(false);
  });
});
