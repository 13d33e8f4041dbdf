import { sql } from "kysely";
import type { AirlockMigration } from "./types";

/**
 * Incidents and the persisted state machine of their steps. A step run row with status
 * "running" IS the lock on (incident, step): a partial unique index allows one at a time, and a
 * run left "running" by a crash is exactly what reconcile looks for on start.
 */
export const migration: AirlockMigration = {
  name: "004-incidents",
  async up(db, engine) {
    await db.schema
      .createTable("incidents")
      .ifNotExists()
      .addColumn("id", "text", (c) => c.primaryKey())
      .addColumn("title", "text", (c) => c.notNull())
      .addColumn("severity", "text", (c) => c.notNull())
      .addColumn("status", "text", (c) => c.notNull())
      .addColumn("cluster", "text", (c) => c.notNull())
      .addColumn("namespace", "text", (c) => c.notNull())
      .addColumn("pod", "text", (c) => c.notNull())
      .addColumn("targets", "text", (c) => c.notNull())
      .addColumn("created_by", "text", (c) => c.notNull())
      .addColumn("created_at", "text", (c) => c.notNull())
      .execute();
    await db.schema.createIndex("incidents_created_at").ifNotExists().on("incidents").column("created_at").execute();

    await db.schema
      .createTable("step_runs")
      .ifNotExists()
      .addColumn("id", "text", (c) => c.primaryKey())
      .addColumn("incident_id", "text", (c) => c.notNull().references("incidents.id"))
      .addColumn("step_id", "text", (c) => c.notNull())
      .addColumn("operation", "text", (c) => c.notNull()) // execute | undo
      .addColumn("status", "text", (c) => c.notNull()) // running | succeeded | noop | failed | undone
      .addColumn("plan_hash", "text")
      .addColumn("params", "text", (c) => c.notNull().defaultTo("{}"))
      .addColumn("record", "text")
      .addColumn("message", "text")
      .addColumn("actor", "text", (c) => c.notNull())
      .addColumn("role", "text")
      .addColumn("started_at", "text", (c) => c.notNull())
      .addColumn("finished_at", "text")
      .execute();
    await db.schema.createIndex("step_runs_incident").ifNotExists().on("step_runs").columns(["incident_id", "step_id"]).execute();
    await sql`create unique index if not exists step_runs_one_running on step_runs (incident_id, step_id) where status = 'running'`.execute(db);

    await db.schema
      .createTable("step_progress")
      .ifNotExists()
      .addColumn("id", engine === "postgres" ? "serial" : "integer", (c) => (engine === "postgres" ? c.primaryKey() : c.primaryKey().autoIncrement()))
      .addColumn("run_id", "text", (c) => c.notNull().references("step_runs.id"))
      .addColumn("at", "text", (c) => c.notNull())
      .addColumn("message", "text", (c) => c.notNull())
      .addColumn("detail", "text", (c) => c.notNull().defaultTo("{}"))
      .execute();
    await db.schema.createIndex("step_progress_run").ifNotExists().on("step_progress").columns(["run_id", "id"]).execute();
  },
};
