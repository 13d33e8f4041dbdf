import "server-only";
import { sql } from "kysely";
import type { Db, TimelineRow } from "@/lib/store";
import { engineOf } from "@/lib/store/open";
import { canonicalJson } from "./canonical";
import { checkpointAfter } from "./checkpoint";
import { coversFor } from "./covers";
import { entryHash, GENESIS_HASH, type HashedFields } from "./chain";

/** Well-known kinds; any other short lowercase kind is accepted too. */
export type TimelineKind =
  | "incident-opened"
  | "plan"
  | "intent"
  /** A step's run record stored before its write (ctx.keepRecord), so a run that fails after its change landed can still be released. */
  | "record-kept"
  | "result"
  | "verify"
  | "undo"
  | "comment"
  | "approval-requested"
  | "approval-approved"
  | "approval-rejected"
  | "approval-expired"
  | "override"
  | "refused"
  | "evidence-stored"
  | "status-changed"
  | "incident-reviewed"
  | (string & {});

export type NewEntry = {
  actor: string;
  role?: string | null;
  incidentId?: string | null;
  stepId?: string | null;
  kind: TimelineKind;
  targets?: unknown[];
  planHash?: string | null;
  details?: Record<string, unknown>;
  /** Defaults to now. */
  at?: Date | string;
};

export type TimelineEntry = {
  id: number;
  at: string;
  actor: string;
  role: string | null;
  incidentId: string | null;
  stepId: string | null;
  kind: string;
  targets: unknown[];
  planHash: string | null;
  details: Record<string, unknown>;
  prevHash: string;
  hash: string;
};

export function toEntry(row: TimelineRow): TimelineEntry {
  return {
    id: row.id,
    at: row.at,
    actor: row.actor,
    role: row.role,
    incidentId: row.incident_id,
    stepId: row.step_id,
    kind: row.kind,
    targets: JSON.parse(row.targets) as unknown[],
    planHash: row.plan_hash,
    details: JSON.parse(row.details) as Record<string, unknown>,
    prevHash: row.prev_hash,
    hash: row.hash,
  };
}

// Any fixed 64-bit key; every appender on the database takes the same one.
const PG_LOCK_KEY = 0x41_69_72_6c_6f_63_6b; // "Airlock"

/** The new entry and the id of the one before it (ids may skip on PostgreSQL). */
type Appended = { entry: TimelineEntry; prevId: number };

async function insertChained(db: Db, base: Omit<HashedFields, "prev_hash" | "covers">, details: Record<string, unknown>): Promise<Appended> {
  const last = await db.selectFrom("timeline").select(["id", "hash"]).orderBy("id", "desc").limit(1).executeTakeFirst();
  const prev_hash = last?.hash ?? GENESIS_HASH;
  // Under the append lock, so the rows are hashed as they stand when this entry is written.
  const fields = { ...base, covers: await coversFor(db, details) };
  const row = { ...fields, prev_hash, hash: entryHash({ ...fields, prev_hash }) };
  const inserted = await db.insertInto("timeline").values(row).returningAll().executeTakeFirstOrThrow();
  return { entry: toEntry(inserted), prevId: last?.id ?? 0 };
}

/**
 * Appends one entry to the hash-chained timeline. Appends are serialised (SQLite: BEGIN IMMEDIATE;
 * PostgreSQL: a transaction-scoped advisory lock), so concurrent writers never fork the chain.
 * Pass plain JSON in `targets` and `details`; never secrets.
 */
export async function appendEntry(db: Db, entry: NewEntry): Promise<TimelineEntry> {
  if (!entry.actor) throw new Error("timeline entry needs an actor");
  if (!/^[a-z][a-z0-9-]{0,63}$/.test(entry.kind)) throw new Error(`invalid timeline kind "${entry.kind}"`);
  const at = entry.at === undefined ? new Date().toISOString() : new Date(entry.at).toISOString();
  const fields: Omit<HashedFields, "prev_hash" | "covers"> = {
    at,
    actor: entry.actor,
    role: entry.role ?? null,
    incident_id: entry.incidentId ?? null,
    step_id: entry.stepId ?? null,
    kind: entry.kind,
    targets: canonicalJson(entry.targets ?? []),
    plan_hash: entry.planHash ?? null,
    details: canonicalJson(entry.details ?? {}),
  };

  const details = entry.details ?? {};
  let out: Appended;
  if (engineOf(db) === "postgres") {
    out = await db.transaction().execute(async (trx) => {
      await sql`select pg_advisory_xact_lock(${PG_LOCK_KEY}::bigint)`.execute(trx);
      return insertChained(trx, fields, details);
    });
  } else {
    out = await insertSqlite(db, fields, details);
  }
  await checkpointAfter(db, out.entry, out.prevId);
  return out.entry;
}

// SQLite: take the write lock before reading the head, so two processes cannot read the same head.
async function insertSqlite(db: Db, fields: Omit<HashedFields, "prev_hash" | "covers">, details: Record<string, unknown>): Promise<Appended> {
  return db.connection().execute(async (conn) => {
    await sql`begin immediate`.execute(conn);
    try {
      const out = await insertChained(conn, fields, details);
      await sql`commit`.execute(conn);
      return out;
    } catch (e) {
      await sql`rollback`.execute(conn).catch(() => {});
      throw e;
    }
  });
}

/** Entries in chain order, optionally for one incident. */
export async function listEntries(db: Db, opts: { incidentId?: string; afterId?: number; limit?: number } = {}): Promise<TimelineEntry[]> {
  let q = db.selectFrom("timeline").selectAll().orderBy("id", "asc");
  if (opts.incidentId !== undefined) q = q.where("incident_id", "=", opts.incidentId);
  if (opts.afterId !== undefined) q = q.where("id", ">", opts.afterId);
  q = q.limit(Math.min(Math.max(opts.limit ?? 500, 1), 5000));
  return (await q.execute()).map(toEntry);
}
