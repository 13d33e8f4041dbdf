import "server-only";
import { config } from "@/lib/config";
import { seedDemoUsers } from "@/lib/auth/demo-users";
import { openDb, type Db } from "./open";

export { openDb, engineOf, targetFromUrl, type Db, type OpenOptions } from "./open";
export { migrateToLatest } from "./migrate";
export { isUniqueViolation } from "./errors";
export { migrations, type AirlockMigration, type Engine } from "./migrations";
export type * from "./schema";

const KEY = Symbol.for("airlock.db");
type Holder = { [KEY]?: Promise<Db> };

/**
 * The process-wide database: opened from config() on first use, migrated, and (in demo mode)
 * seeded with the demo accounts. Held on globalThis so every bundle of the Next server shares it.
 */
export function getDb(): Promise<Db> {
  const g = globalThis as Holder;
  if (!g[KEY]) {
    g[KEY] = (async () => {
      const cfg = config();
      const db = await openDb(cfg.database);
      if (cfg.demo) await seedDemoUsers(db, cfg.demoPassword);
      return db;
    })();
    // A failed open must not be cached forever: let the next caller retry.
    g[KEY].catch(() => {
      delete g[KEY];
    });
  }
  return g[KEY];
}

/** Tests only: make getDb() return this database (or forget it with undefined). */
export function setDbForTests(db: Db | undefined): void {
  const g = globalThis as Holder;
  if (db) g[KEY] = Promise.resolve(db);
  else delete g[KEY];
}
