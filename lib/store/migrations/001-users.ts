import type { AirlockMigration } from "./types";

export const migration: AirlockMigration = {
  name: "001-users",
  async up(db) {
    await db.schema
      .createTable("users")
      .ifNotExists()
      .addColumn("id", "text", (c) => c.primaryKey())
      .addColumn("email", "text", (c) => c.notNull().unique())
      .addColumn("name", "text")
      .addColumn("password_hash", "text")
      .addColumn("roles", "text", (c) => c.notNull().defaultTo(""))
      .addColumn("created_at", "text", (c) => c.notNull())
      .addColumn("disabled", "integer", (c) => c.notNull().defaultTo(0))
      .execute();
  },
};
