import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect, it } from "vitest";

const ROOT = path.resolve(__dirname, "../..");

function run(script: string, file: string): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(ROOT, "node_modules/tsx/dist/cli.mjs"), "--conditions=react-server", script, file], {
      cwd: ROOT,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (out += d));
    child.on("exit", (code) => resolve({ code, out }));
  });
}

it("migrates a fresh SQLite file once when several processes start together", async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "airlock-race-"));
  const script = path.join(dir, "open.ts");
  fs.writeFileSync(
    script,
    `import { openDb } from "${path.join(ROOT, "lib/store/open")}";
     async function main() {
       const db = await openDb({ engine: "sqlite", file: process.argv[2] });
       const rows = await db.selectFrom("kysely_migration" as never).selectAll().execute();
       console.log("migrations", rows.length);
       await db.destroy();
     }
     main().catch((e) => { console.error(e); process.exit(1); });`,
  );
  const file = path.join(dir, "race.sqlite");
  const results = await Promise.all([1, 2, 3, 4].map(() => run(script, file)));
  for (const r of results) {
    expect(r.out).toMatch(/migrations \d+/);
    expect(r.code).toBe(0);
  }
  fs.rmSync(dir, { recursive: true, force: true });
});
