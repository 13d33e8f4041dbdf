import "server-only";
import fs from "node:fs";
import path from "node:path";
import BetterSqlite3 from "better-sqlite3";
import { Kysely, PostgresAdapter, PostgresDialect, SqliteDialect } from "kysely";
import pg from "pg";
import type { DatabaseTarget } from "@/lib/config";
import { migrateToLatest } from "./migrate";
import type { Engine } from "./migrations";
import type { Database } from "./schema";

export type Db = Kysely<Database>;

export type OpenOptions = {
  /** PostgreSQL only: put every table in this schema (created if missing). Tests use it for isolation. */
  pgSchema?: string;
  /** Skip migrations (default: run them). */
  migrate?: boolean;
};

/** Parses a DATABASE_URL-style string: postgres://… → PostgreSQL, file:<path>, :memory: or a plain path → SQLite. */
export function targetFromUrl(url: string): DatabaseTarget {
  if (/^postgres(ql)?:\/\//.test(url)) return { engine: "postgres", url };
  return { engine: "sqlite", file: url.replace(/^(file|sqlite):(\/\/)?/, "") };
}

export function engineOf(db: Kysely<unknown> | Kysely<Database>): Engine {
  return db.getExecutor().adapter instanceof PostgresAdapter ? "postgres" : "sqlite";
}

// int8 (count(*), bigint) as numbers on PostgreSQL, as SQLite returns them.
const pgTypes = {
  getTypeParser: ((oid: number, format?: string) =>
    oid === 20 ? (v: string) => Number(v) : pg.types.getTypeParser(oid, format as "text")) as typeof pg.types.getTypeParser,
};

/** The driver objects under each Kysely instance, for libraries that speak to the driver directly (sign-in throttling). */
export type RawClient = { engine: "sqlite"; database: BetterSqlite3.Database } | { engine: "postgres"; pool: pg.Pool };
// Kept on the instance under a registered symbol, not in a module-level map: Next may load this
// module once per bundle, while the database itself is shared across bundles (getDb).
const RAW = Symbol.for("airlock.store.rawClient");
type WithRaw = Db & { [RAW]?: RawClient };

function setRawClient(db: Db, raw: RawClient): void {
  Object.defineProperty(db, RAW, { value: raw, enumerable: false });
}

export function rawClientOf(db: Db): RawClient {
  const raw = (db as WithRaw)[RAW];
  if (!raw) throw new Error("this database was not opened by openDb");
  return raw;
}

function sqliteDb(file: string): Db {
  if (file !== ":memory:") fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const database = new BetterSqlite3(file);
  database.pragma("busy_timeout = 10000");
  if (file !== ":memory:") database.pragma("journal_mode = WAL");
  database.pragma("foreign_keys = ON");
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database }) });
  setRawClient(db, { engine: "sqlite", database });
  return db;
}

function postgresDb(url: string, schema?: string): Db {
  if (schema !== undefined && !/^[a-z_][a-z0-9_]*$/.test(schema)) throw new Error("invalid schema name");
  const pool = new pg.Pool({
    connectionString: url,
    max: 10,
    types: pgTypes,
    ...(schema ? { options: `-c search_path=${schema}` } : {}),
  });
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  setRawClient(db, { engine: "postgres", pool });
  return db;
}

/** Opens a database (SQLite file or PostgreSQL) and, unless told otherwise, migrates it. */
export async function openDb(target: string | DatabaseTarget, opts: OpenOptions = {}): Promise<Db> {
  const t = typeof target === "string" ? targetFromUrl(target) : target;
  let db: Db;
  if (t.engine === "postgres") {
    if (opts.pgSchema) {
      const bootstrap = new pg.Client({ connectionString: t.url });
      await bootstrap.connect();
      try {
        await bootstrap.query(`create schema if not exists ${opts.pgSchema}`);
      } catch (e) {
        // Two openers racing on "create schema if not exists" can collide; the schema exists either way.
        if ((e as { code?: string }).code !== "23505") throw e;
      } finally {
        await bootstrap.end();
      }
    }
    db = postgresDb(t.url, opts.pgSchema);
  } else {
    db = sqliteDb(t.file);
  }
  if (opts.migrate !== false) {
    try {
      await migrateToLatest(db, t.engine);
    } catch (e) {
      await db.destroy();
      throw e;
    }
  }
  return db;
}
