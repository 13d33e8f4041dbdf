// Fresh, migrated databases for the figures: a temporary SQLite file always, a schema of its own
// on PostgreSQL when `npm run proof` was given a postgres:// DATABASE_URL (lib/store/fresh.ts,
// as describeEachEngine opens them for the tests). `dispose()` removes them all.
import type { Db, Engine } from "@/lib/store";
import { freshDatabases } from "@/lib/store/fresh";

export type Engines = { engines: Engine[]; open(engine: Engine): Promise<Db>; dispose(): Promise<void> };

/** Databases on SQLite, and on PostgreSQL at `postgresUrl` when given. */
export function engines(postgresUrl: string | undefined): Engines {
  const sets = new Map<Engine, ReturnType<typeof freshDatabases>>([["sqlite", freshDatabases("sqlite", undefined, "proof")]]);
  if (postgresUrl) sets.set("postgres", freshDatabases("postgres", postgresUrl, "proof"));
  return {
    engines: [...sets.keys()],
    open(engine) {
      const dbs = sets.get(engine);
      if (!dbs) throw new Error(`no ${engine} database for the figures`);
      return dbs.open();
    },
    async dispose() {
      await Promise.all([...sets.values()].map((dbs) => dbs.dispose()));
    },
  };
}
