import type { AirlockMigration } from "./types";

/**
 * Anchored audit: `timeline.covers` holds, for an entry that creates or changes an approval,
 * a step run or an evidence record, the SHA-256 of each such row as it stood once written
 * (canonical JSON `{"<table>/<id>": "<sha256>"}`), so a row edited later disagrees with the
 * chain. Null on every other entry, and left out of the entry's hash when null, so entries
 * written before this migration still verify.
 */
export const migration: AirlockMigration = {
  name: "010-audit-anchor",
  async up(db) {
    await db.schema.alterTable("timeline").addColumn("covers", "text").execute();
  },
};
