import "server-only";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, describe, it } from "vitest";
import type { Engine } from "./migrations";
import { openDb, type Db, type OpenOptions } from "./open";

/**
 * Test helper: runs a suite once per engine. SQLite always; PostgreSQL when DATABASE_URL is a
 * postgres:// URL. Under CI=true a missing DATABASE_URL is a failing test, not a skip.
 * Each `open()` gives a fresh, migrated database (a temp SQLite file, or its own PG schema).
 */
export function describeEachEngine(title: string, body: (ctx: { engine: Engine; open: (opts?: Omit<OpenOptions, "pgSchema">) => Promise<Db> }) => void): void {
  const url = process.env.DATABASE_URL;
  const pgUrl = url && /^postgres(ql)?:\/\//.test(url) ? url : undefined;

  describe(`${title} [sqlite]`, () => {
    const opened: Db[] = [];
    const dirs: string[] = [];
    afterAll(async () => {
      await Promise.all(opened.map((db) => db.destroy()));
      for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
    });
    body({
      engine: "sqlite",
      open: async (opts) => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "airlock-test-"));
        dirs.push(dir);
        const db = await openDb({ engine: "sqlite", file: path.join(dir, "test.sqlite") }, opts);
        opened.push(db);
        return db;
      },
    });
  });

  if (pgUrl) {
    describe(`${title} [postgres]`, () => {
      const opened: Db[] = [];
      const schemas: string[] = [];
      afterAll(async () => {
        await Promise.all(opened.map((db) => db.destroy()));
        if (schemas.length === 0) return;
        const client = new pg.Client({ connectionString: pgUrl });
        await client.connect();
        try {
          for (const s of schemas) await client.query(`drop schema if exists ${s} cascade`);
        } finally {
          await client.end();
        }
      });
      body({
        engine: "postgres",
        open: async (opts) => {
          const schema = `t_${randomBytes(6).toString("hex")}`;
          schemas.push(schema);
          const db = await openDb({ engine: "postgres", url: pgUrl }, { ...opts, pgSchema: schema });
          opened.push(db);
          return db;
        },
      });
    });
  } else if (process.env.CI === "true") {
    describe(`${title} [postgres]`, () => {
      it("needs PostgreSQL", () => {
        throw new Error("CI=true but DATABASE_URL is not a postgres:// URL: PostgreSQL tests cannot run");
      });
    });
  }
}
