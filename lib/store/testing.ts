import "server-only";
import { afterAll, describe, it } from "vitest";
import { freshDatabases, postgresUrlOf } from "./fresh";
import type { Engine } from "./migrations";
import type { Db, OpenOptions } from "./open";

/**
 * Test helper: runs a suite once per engine. SQLite always; PostgreSQL when DATABASE_URL is a
 * postgres:// URL. Under CI=true a missing DATABASE_URL is a failing test, not a skip.
 * Each `open()` gives a fresh, migrated database (a temp SQLite file, or its own PG schema).
 */
export function describeEachEngine(title: string, body: (ctx: { engine: Engine; open: (opts?: Omit<OpenOptions, "pgSchema">) => Promise<Db> }) => void): void {
  const pgUrl = postgresUrlOf(process.env.DATABASE_URL);

  describe(`${title} [sqlite]`, () => {
    const dbs = freshDatabases("sqlite", undefined, "t");
    afterAll(() => dbs.dispose());
    body({ engine: "sqlite", open: (opts) => dbs.open(opts) });
  });

  if (pgUrl) {
    describe(`${title} [postgres]`, () => {
      const dbs = freshDatabases("postgres", pgUrl, "t");
      afterAll(() => dbs.dispose());
      body({ engine: "postgres", open: (opts) => dbs.open(opts) });
    });
  } else if (process.env.CI === "true") {
    describe(`${title} [postgres]`, () => {
      it("needs PostgreSQL", () => {
        throw new Error("CI=true but DATABASE_URL is not a postgres:// URL: PostgreSQL tests cannot run");
      });
    });
  }
}
