import "server-only";
import { sql, type Kysely } from "kysely";
import { Migrator, type Migration, type MigrationProvider } from "kysely/migration";
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

// Kysely looks for its bookkeeping tables in every schema; pin them to ours on PostgreSQL.
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the migrator works below the typed schema
async function migrationTableSchemaOf(db: Kysely<any>, engine: Engine): Promise<string | undefined> {
  return engine === "postgres" ? (await sql<{ s: string }>`select current_schema() as s`.execute(db)).rows[0]?.s : undefined;
}

/**
 * Brings the schema up to date. Idempotent. Runs under a lock (Kysely's advisory lock on
 * PostgreSQL; BEGIN IMMEDIATE on SQLite), so two processes starting together apply each
 * migration once.
 */
export async function migrateToLatest(
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the migrator works below the typed schema
  db: Kysely<any>,
  engine: Engine,
  list: AirlockMigration[] = allMigrations,
): Promise<string[]> {
  const migrationTableSchema = await migrationTableSchemaOf(db, engine);
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the migrator works below the typed schema
  const run = (k: Kysely<any>) => new Migrator({ db: k, provider: new ListProvider(list, engine), migrationTableSchema }).migrateToLatest();
  const { error, results } =
    engine === "postgres"
      ? await run(db)
      : // Kysely takes no lock on SQLite; hold the database's write lock so two processes starting together
        // cannot both apply a migration. Migrations therefore must not open transactions themselves.
        await db.connection().execute(async (conn) => {
          await sql`begin immediate`.execute(conn);
          try {
            const out = await run(conn);
            await sql`commit`.execute(conn);
            return out;
          } catch (e) {
            await sql`rollback`.execute(conn).catch(() => {});
            throw e;
          }
        });
  if (error) {
    const failed = results?.find((r) => r.status === "Error")?.migrationName;
    throw new Error(`database migration ${failed ?? ""} failed: ${(error as Error).message ?? String(error)}`);
  }
  return (results ?? []).filter((r) => r.status === "Success").map((r) => r.migrationName);
}

/** Names of the migrations in `list` this database has not applied (readiness: a replica must not serve an older schema). */
export async function pendingMigrations(
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the migrator works below the typed schema
  db: Kysely<any>,
  engine: Engine,
  list: AirlockMigration[] = allMigrations,
): Promise<string[]> {
  const migrator = new Migrator({ db, provider: new ListProvider(list, engine), migrationTableSchema: await migrationTableSchemaOf(db, engine) });
  return (await migrator.getMigrations()).filter((m) => m.executedAt === undefined).map((m) => m.name);
}
