import { sql } from "kysely";
import type { AirlockMigration } from "./types";

/**
 * The append-only, hash-chained timeline. Both engines refuse UPDATE and DELETE with triggers;
 * the unique index on prev_hash makes a forked chain (two entries after the same one) impossible.
 */
export const migration: AirlockMigration = {
  name: "003-timeline",
  async up(db, engine) {
    await db.schema
      .createTable("timeline")
      .ifNotExists()
      .addColumn("id", engine === "postgres" ? "serial" : "integer", (c) => (engine === "postgres" ? c.primaryKey() : c.primaryKey().autoIncrement()))
      .addColumn("at", "text", (c) => c.notNull())
      .addColumn("actor", "text", (c) => c.notNull())
      .addColumn("role", "text")
      .addColumn("incident_id", "text")
      .addColumn("step_id", "text")
      .addColumn("kind", "text", (c) => c.notNull())
      .addColumn("targets", "text", (c) => c.notNull().defaultTo("[]"))
      .addColumn("plan_hash", "text")
      .addColumn("details", "text", (c) => c.notNull().defaultTo("{}"))
      .addColumn("prev_hash", "text", (c) => c.notNull())
      .addColumn("hash", "text", (c) => c.notNull())
      .execute();
    await db.schema.createIndex("timeline_prev_hash_uq").ifNotExists().unique().on("timeline").column("prev_hash").execute();
    await db.schema.createIndex("timeline_incident_id").ifNotExists().on("timeline").column("incident_id").execute();

    if (engine === "postgres") {
      await sql`
        create or replace function airlock_timeline_append_only() returns trigger
        language plpgsql as $$
        begin
          raise exception 'timeline is append-only: % refused', tg_op;
        end
        $$`.execute(db);
      await sql`drop trigger if exists timeline_append_only on timeline`.execute(db);
      await sql`
        create trigger timeline_append_only before update or delete on timeline
        for each row execute function airlock_timeline_append_only()`.execute(db);
      await sql`drop trigger if exists timeline_no_truncate on timeline`.execute(db);
      await sql`
        create trigger timeline_no_truncate before truncate on timeline
        for each statement execute function airlock_timeline_append_only()`.execute(db);
    } else {
      await sql`
        create trigger if not exists timeline_no_update before update on timeline
        begin select raise(abort, 'timeline is append-only: UPDATE refused'); end`.execute(db);
      await sql`
        create trigger if not exists timeline_no_delete before delete on timeline
        begin select raise(abort, 'timeline is append-only: DELETE refused'); end`.execute(db);
    }
  },
};
