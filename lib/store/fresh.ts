import "server-only";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import type { Engine } from "./migrations";
import { openDb, targetFromUrl, type Db, type OpenOptions } from "./open";

// Fresh, migrated databases for tests (describeEachEngine in ./testing) and `npm run proof`
// (scripts/proof/engines.ts); free of vitest so plain-Node scripts use it too.

/** `url` when it names a PostgreSQL database (as openDb reads it), else undefined. */
export function postgresUrlOf(url: string | undefined): string | undefined {
  return url && targetFromUrl(url).engine === "postgres" ? url : undefined;
}

export type FreshDatabases = { open(opts?: Omit<OpenOptions, "pgSchema">): Promise<Db>; dispose(): Promise<void> };

/**
 * Each `open()` gives a fresh, migrated database of `engine`: a temporary SQLite file, or a schema
 * of its own (named `<schemaPrefix>_…`) on the PostgreSQL at `pgUrl`. `dispose()` closes and removes them all.
 */
export function freshDatabases(engine: Engine, pgUrl: string | undefined, schemaPrefix: string): FreshDatabases {
  const opened: Db[] = [];
  const dirs: string[] = [];
  const schemas: string[] = [];
  return {
    async open(opts) {
      let db: Db;
      if (engine === "postgres") {
        if (!pgUrl) throw new Error("a PostgreSQL database needs a postgres:// URL");
        const schema = `${schemaPrefix}_${randomBytes(6).toString("hex")}`;
        schemas.push(schema);
        db = await openDb({ engine: "postgres", url: pgUrl }, { ...opts, pgSchema: schema });
      } else {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "airlock-test-"));
        dirs.push(dir);
        db = await openDb({ engine: "sqlite", file: path.join(dir, "test.sqlite") }, opts);
      }
      opened.push(db);
      return db;
    },
    async dispose() {
      await Promise.all(opened.map((db) => db.destroy()));
      for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
      if (schemas.length === 0) return;
      const client = new pg.Client({ connectionString: pgUrl });
      await client.connect();
      try {
        for (const s of schemas) await client.query(`drop schema if exists ${s} cascade`);
      } finally {
        await client.end();
      }
    },
  };
}
