import "server-only";
import { sql } from "kysely";
import { engineOf, type Db } from "@/lib/store";

/**
 * Runs a read-then-write on the approval tables as one serialised unit: SQLite takes the write
 * lock up front (BEGIN IMMEDIATE, as the timeline does) so two processes cannot both read
 * "pending"; PostgreSQL uses a transaction in which callers lock the request row (FOR UPDATE).
 * Never call getDb()-based helpers inside `fn`: SQLite has one connection and it is held here.
 */
export async function writeTx<T>(db: Db, fn: (trx: Db, engine: "sqlite" | "postgres") => Promise<T>): Promise<T> {
  if (engineOf(db) === "postgres") return db.transaction().execute((trx) => fn(trx, "postgres"));
  return db.connection().execute(async (conn) => {
    await sql`begin immediate`.execute(conn);
    try {
      const out = await fn(conn, "sqlite");
      await sql`commit`.execute(conn);
      return out;
    } catch (e) {
      await sql`rollback`.execute(conn).catch(() => {});
      throw e;
    }
  });
}
