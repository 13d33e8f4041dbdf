import type { AirlockMigration } from "./types";

/**
 * Several console replicas on one database (issue 14):
 * - `leases`: one row per named job ("reconcile") and one per live replica ("replica:<id>"),
 *   held by `holder` until `expires_at` (ISO time); taken over only once expired.
 * - `step_run_owners`: which replica runs a step run. Kept beside step_runs rather than as a
 *   column of it: the anchored audit hashes step_runs rows whole, and a new column would make
 *   every run recorded before this migration read as changed.
 */
export const migration: AirlockMigration = {
  name: "011-replicas",
  async up(db) {
    await db.schema
      .createTable("leases")
      .ifNotExists()
      .addColumn("name", "text", (c) => c.primaryKey())
      .addColumn("holder", "text", (c) => c.notNull())
      .addColumn("expires_at", "text", (c) => c.notNull())
      .execute();
    await db.schema
      .createTable("step_run_owners")
      .ifNotExists()
      .addColumn("run_id", "text", (c) => c.primaryKey())
      .addColumn("replica", "text", (c) => c.notNull())
      .execute();
  },
};
