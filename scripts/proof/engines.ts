// Fresh, migrated databases for the figures: a temporary SQLite file always, a schema of its own
// on PostgreSQL when `npm run proof` was given a postgres:// DATABASE_URL. `dispose()` removes them all.
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { openDb, type Db, type Engine } from "@/lib/store";

export type Engines = { engines: Engine[]; open(engine: Engine): Promise<Db>; dispose(): Promise<void> };

/** Databases on SQLite, and on PostgreSQL at `postgresUrl` when given. */
export function engines(postgresUrl: string | undefined): Engines {
  const url = postgresUrl;
  const opened: Db[] = [];
  const schemas: string[] = [];
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "airlock-proof-db-"));
  let n = 0;
  return {
    engines: url ? ["sqlite", "postgres"] : ["sqlite"],
    async open(engine) {
      let db: Db;
      if (engine === "postgres") {
        const schema = `proof_${randomBytes(6).toString("hex")}`;
        schemas.push(schema);
        db = await openDb({ engine: "postgres", url: url! }, { pgSchema: schema });
      } else {
        db = await openDb({ engine: "sqlite", file: path.join(dir, `db-${++n}.sqlite`) });
      }
      opened.push(db);
      return db;
    },
    async dispose() {
      await Promise.all(opened.map((db) => db.destroy()));
      fs.rmSync(dir, { recursive: true, force: true });
      if (!schemas.length) return;
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        for (const s of schemas) await client.query(`drop schema if exists ${s} cascade`);
      } finally {
        await client.end();
      }
    },
  };
}
