import type { AirlockMigration } from "./types";

/**
 * Alert intake. `alert_deliveries` keeps every body a sender posted with its SHA-256, whatever
 * the answer was (accepted, duplicate, rejected and why); the unique `dedupe_key` (set only on
 * accepted deliveries) turns a replayed Falco uuid or Pub/Sub messageId into a refusal even when
 * two copies race. `alerts` holds the triaged view: one row per pod and rule within the dedupe
 * window, with its count, first and last seen, and the incident it belongs to.
 */
export const migration: AirlockMigration = {
  name: "008-alerts",
  async up(db) {
    await db.schema
      .createTable("alerts")
      .ifNotExists()
      .addColumn("id", "text", (c) => c.primaryKey())
      .addColumn("source", "text", (c) => c.notNull())
      .addColumn("cluster", "text", (c) => c.notNull())
      .addColumn("namespace", "text", (c) => c.notNull())
      .addColumn("pod", "text", (c) => c.notNull())
      .addColumn("rule", "text", (c) => c.notNull())
      .addColumn("severity", "text", (c) => c.notNull())
      .addColumn("title", "text", (c) => c.notNull())
      .addColumn("mitre_tactic", "text")
      .addColumn("first_seen", "text", (c) => c.notNull())
      .addColumn("last_seen", "text", (c) => c.notNull())
      .addColumn("count", "integer", (c) => c.notNull())
      .addColumn("incident_id", "text", (c) => c.references("incidents.id"))
      .addColumn("details", "text", (c) => c.notNull())
      .addColumn("created_at", "text", (c) => c.notNull())
      .execute();
    await db.schema.createIndex("alerts_pod_rule").ifNotExists().on("alerts").columns(["cluster", "namespace", "pod", "rule", "last_seen"]).execute();
    await db.schema.createIndex("alerts_incident").ifNotExists().on("alerts").columns(["incident_id", "first_seen"]).execute();

    await db.schema
      .createTable("alert_deliveries")
      .ifNotExists()
      .addColumn("id", "text", (c) => c.primaryKey())
      .addColumn("received_at", "text", (c) => c.notNull())
      .addColumn("source", "text", (c) => c.notNull())
      .addColumn("sender", "text")
      .addColumn("sha256", "text", (c) => c.notNull())
      .addColumn("size", "integer", (c) => c.notNull())
      .addColumn("body", "text", (c) => c.notNull())
      .addColumn("http_status", "integer", (c) => c.notNull())
      .addColumn("outcome", "text", (c) => c.notNull())
      .addColumn("reason", "text")
      .addColumn("external_id", "text")
      .addColumn("dedupe_key", "text")
      .addColumn("alert_id", "text", (c) => c.references("alerts.id"))
      .execute();
    await db.schema.createIndex("alert_deliveries_once").ifNotExists().unique().on("alert_deliveries").column("dedupe_key").execute();
    await db.schema.createIndex("alert_deliveries_received").ifNotExists().on("alert_deliveries").column("received_at").execute();
  },
};
