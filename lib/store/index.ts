import "server-only";
import { config } from "@/lib/config";
import { seedDemoUsers } from "@/lib/auth/demo-users";
import { processSingleton } from "@/lib/process-singleton";
import { openDb, type Db } from "./open";

export { openDb, engineOf, targetFromUrl, type Db, type OpenOptions } from "./open";
export { migrateToLatest, pendingMigrations } from "./migrate";
export { isUniqueViolation } from "./errors";
export { migrations, type AirlockMigration, type Engine } from "./migrations";
export type * from "./schema";

const held = processSingleton("db", () => ({ db: undefined as Promise<Db> | undefined }));

/**
 * The process-wide database: opened from config() on first use, migrated, and (in demo mode)
 * seeded with the demo accounts. Held on globalThis so every bundle of the Next server shares it.
 */
export function getDb(): Promise<Db> {
  if (!held.db) {
    const opening = (async () => {
      const cfg = config();
      const db = await openDb(cfg.database);
      if (cfg.demo) await seedDemoUsers(db, cfg.demoPassword);
      return db;
    })();
    held.db = opening;
    // A failed open must not be cached forever: let the next caller retry.
    opening.catch(() => {
      if (held.db === opening) held.db = undefined;
    });
  }
  return held.db;
}

/** Tests only: make getDb() return this database (or forget it with undefined). */
export function setDbForTests(db: Db | undefined): void {
  held.db = db ? Promise.resolve(db) : undefined;
}
