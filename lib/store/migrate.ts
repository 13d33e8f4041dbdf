import "server-only";
import { Migrator, sql, type Kysely, type Migration, type MigrationProvider } from "kysely";
import { migrations as allMigrations, type AirlockMigration, type Engine } from "./migrations";

class ListProvider implements MigrationProvider {
  constructor(
    private readonly list: AirlockMigration[],
    private readonly engine: Engine,
  ) {}
  async getMigrations(): Promise<Record<string, Migration>> {
    const out: Record<string, Migration> = {};
    for (const m of this.list) {
      if (out[m.name]) throw new Error(`duplicate migration name ${m.name}`);
      out[m.name] = { up: (db) => m.up(db, this.engine) };
    }
    return out;
  }
}

/**
 * Brings the schema up to date. Idempotent. Kysely takes a lock around the run
 * (pg_advisory_xact_lock on PostgreSQL; SQLite runs it in one write transaction), so two
 * processes starting together apply each migration once.
 */
export async function migrateToLatest(
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the migrator works below the typed schema
  db: Kysely<any>,
  engine: Engine,
  list: AirlockMigration[] = allMigrations,
): Promise<string[]> {
  // Kysely looks for its bookkeeping tables in every schema; pin them to ours on PostgreSQL.
  const migrationTableSchema =
    engine === "postgres"
      ? (await sql<{ s: string }>`select current_schema() as s`.execute(db)).rows[0]?.s
      : undefined;
  const migrator = new Migrator({ db, provider: new ListProvider(list, engine), migrationTableSchema });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === "Error")?.migrationName;
    throw new Error(`database migration ${failed ?? ""} failed: ${(error as Error).message ?? String(error)}`);
  }
  return (results ?? []).filter((r) => r.status === "Success").map((r) => r.migrationName);
}
