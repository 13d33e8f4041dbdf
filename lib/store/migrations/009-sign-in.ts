import type { AirlockMigration } from "./types";

/** Lifetime given to tokens that existed before tokens expired (as new ones get by default). */
const EXISTING_TOKEN_DAYS = 90;

/**
 * Sign-in hardening (issue 14):
 * - users.oidc_issuer + oidc_subject: an OIDC identity is the pair the provider vouches for, not an
 *   email; one Airlock account per pair.
 * - api_tokens.expires_at and read_only: tokens end, and may be limited to reading.
 * - sign_in_throttle: rate-limiter-flexible's counters (its own column layout), so every replica
 *   on one database counts the same failed sign-ins.
 */
export const migration: AirlockMigration = {
  name: "009-sign-in",
  async up(db) {
    await db.schema.alterTable("users").addColumn("oidc_issuer", "text").execute();
    await db.schema.alterTable("users").addColumn("oidc_subject", "text").execute();
    await db.schema.createIndex("users_oidc_identity").unique().on("users").columns(["oidc_issuer", "oidc_subject"]).execute();

    await db.schema.alterTable("api_tokens").addColumn("expires_at", "text").execute();
    await db.schema
      .alterTable("api_tokens")
      .addColumn("read_only", "integer", (c) => c.notNull().defaultTo(0))
      .execute();
    const expires = new Date(Date.now() + EXISTING_TOKEN_DAYS * 86_400_000).toISOString();
    await db.updateTable("api_tokens").set({ expires_at: expires }).where("expires_at", "is", null).execute();

    await db.schema
      .createTable("sign_in_throttle")
      .ifNotExists()
      .addColumn("key", "varchar(255)", (c) => c.primaryKey())
      .addColumn("points", "integer", (c) => c.notNull().defaultTo(0))
      .addColumn("expire", "bigint")
      .execute();
  },
};
