import type { AirlockMigration } from "./types";

/**
 * Approval requests and each approver's decision. A request keeps the plan exactly as the
 * approver reviewed it (JSON) beside its hash, so the inbox and the report show what was signed
 * off even after the live plan moves on. One decision per approver per request (unique index),
 * which is what makes "two different approvers" a database fact rather than a hope.
 */
export const migration: AirlockMigration = {
  name: "005-approvals",
  async up(db) {
    await db.schema
      .createTable("approval_requests")
      .ifNotExists()
      .addColumn("id", "text", (c) => c.primaryKey())
      .addColumn("incident_id", "text", (c) => c.notNull().references("incidents.id"))
      .addColumn("step_id", "text", (c) => c.notNull())
      .addColumn("plan_hash", "text", (c) => c.notNull())
      .addColumn("plan", "text", (c) => c.notNull())
      .addColumn("params", "text", (c) => c.notNull().defaultTo("{}"))
      .addColumn("reason", "text", (c) => c.notNull())
      .addColumn("requested_by", "text", (c) => c.notNull())
      .addColumn("requested_role", "text")
      .addColumn("requested_at", "text", (c) => c.notNull())
      .addColumn("expires_at", "text", (c) => c.notNull())
      .addColumn("required_approvals", "integer", (c) => c.notNull())
      .addColumn("status", "text", (c) => c.notNull()) // pending | approved | rejected | expired
      .addColumn("decided_at", "text")
      .execute();
    await db.schema.createIndex("approval_requests_step").ifNotExists().on("approval_requests").columns(["incident_id", "step_id"]).execute();
    await db.schema.createIndex("approval_requests_status").ifNotExists().on("approval_requests").columns(["status", "requested_at"]).execute();

    await db.schema
      .createTable("approval_decisions")
      .ifNotExists()
      .addColumn("id", "text", (c) => c.primaryKey())
      .addColumn("request_id", "text", (c) => c.notNull().references("approval_requests.id"))
      .addColumn("approver", "text", (c) => c.notNull())
      .addColumn("role", "text")
      .addColumn("decision", "text", (c) => c.notNull()) // approve | reject
      .addColumn("comment", "text", (c) => c.notNull().defaultTo(""))
      .addColumn("at", "text", (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex("approval_decisions_one_per_approver")
      .ifNotExists()
      .unique()
      .on("approval_decisions")
      .columns(["request_id", "approver"])
      .execute();
  },
};
