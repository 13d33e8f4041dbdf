import type { AirlockMigration } from "./types";

/**
 * Stored evidence: one row per artifact a step collected. The body lives in the artifact store
 * (filesystem or bucket) under `storage_key`; the row keeps what proves it: the SHA-256 and size
 * recomputed when it was stored, the API request it was read from and when. A retried step
 * stores an identical artifact once (unique per run, name and hash).
 */
export const migration: AirlockMigration = {
  name: "006-evidence",
  async up(db) {
    await db.schema
      .createTable("evidence_artifacts")
      .ifNotExists()
      .addColumn("id", "text", (c) => c.primaryKey())
      .addColumn("incident_id", "text", (c) => c.notNull().references("incidents.id"))
      .addColumn("step_id", "text", (c) => c.notNull())
      .addColumn("run_id", "text")
      .addColumn("name", "text", (c) => c.notNull())
      .addColumn("content_type", "text", (c) => c.notNull())
      .addColumn("sha256", "text", (c) => c.notNull())
      .addColumn("size", "integer", (c) => c.notNull())
      .addColumn("source", "text", (c) => c.notNull())
      .addColumn("collected_at", "text", (c) => c.notNull())
      .addColumn("stored_at", "text", (c) => c.notNull())
      .addColumn("stored_by", "text", (c) => c.notNull())
      .addColumn("storage", "text", (c) => c.notNull()) // fs | gcs
      .addColumn("storage_key", "text", (c) => c.notNull())
      .execute();
    await db.schema.createIndex("evidence_artifacts_incident").ifNotExists().on("evidence_artifacts").columns(["incident_id", "stored_at"]).execute();
    await db.schema
      .createIndex("evidence_artifacts_once")
      .ifNotExists()
      .unique()
      .on("evidence_artifacts")
      .columns(["incident_id", "run_id", "name", "sha256"])
      .execute();
  },
};
