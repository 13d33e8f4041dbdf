import type { AirlockMigration } from "./types";

export const migration: AirlockMigration = {
  name: "002-api-tokens",
  async up(db) {
    await db.schema
      .createTable("api_tokens")
      .ifNotExists()
      .addColumn("id", "text", (c) => c.primaryKey())
      .addColumn("user_id", "text", (c) => c.notNull().references("users.id").onDelete("cascade"))
      .addColumn("name", "text", (c) => c.notNull())
      .addColumn("token_hash", "text", (c) => c.notNull().unique())
      .addColumn("prefix", "text", (c) => c.notNull())
      .addColumn("created_at", "text", (c) => c.notNull())
      .addColumn("last_used_at", "text")
      .addColumn("revoked_at", "text")
      .execute();
    await db.schema.createIndex("api_tokens_user_id").ifNotExists().on("api_tokens").column("user_id").execute();
  },
};
