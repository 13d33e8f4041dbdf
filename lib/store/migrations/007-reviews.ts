import type { AirlockMigration } from "./types";

/**
 * A lead's "reviewed" mark on an incident. The timeline entry (`incident-reviewed`) is the
 * record that counts; this row is the flag lists and pages read without walking the timeline,
 * and it points at that entry. One mark per incident (primary key).
 */
export const migration: AirlockMigration = {
  name: "007-reviews",
  async up(db) {
    await db.schema
      .createTable("incident_reviews")
      .ifNotExists()
      .addColumn("incident_id", "text", (c) => c.primaryKey().references("incidents.id"))
      .addColumn("reviewed_by", "text", (c) => c.notNull())
      .addColumn("reviewed_at", "text", (c) => c.notNull())
      .addColumn("entry_id", "integer", (c) => c.notNull())
      .addColumn("note", "text", (c) => c.notNull().defaultTo(""))
      .execute();
  },
};
