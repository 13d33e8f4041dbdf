import type { Kysely } from "kysely";

export type Engine = "sqlite" | "postgres";

/**
 * One migration, shared by both engines. `name` sorts the list and is recorded once applied,
 * so never rename or edit a migration that has shipped: add a new one. On SQLite the runner
 * already holds a write transaction, so a migration must not open one itself.
 */
export type AirlockMigration = {
  name: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations see the schema as it was, not as it is
  up(db: Kysely<any>, engine: Engine): Promise<void>;
};
