import "server-only";
import { createHash } from "node:crypto";
import type { Db } from "@/lib/store";
import { canonicalJson } from "./canonical";

// The rows that drive decisions (approvals, step runs, evidence records) live outside the chain.
// An entry that creates or changes one names it in its details (runId, undoes, approvalId,
// artifactId); appendEntry then hashes the row as it stands into the entry's `covers`, and
// verify compares every row with the newest entry that covers it.

export const COVERED_TABLES = ["step_runs", "approval_requests", "evidence_artifacts"] as const;
export type CoveredTable = (typeof COVERED_TABLES)[number];

const DETAIL_KEYS: [key: string, table: CoveredTable][] = [
  ["runId", "step_runs"],
  ["undoes", "step_runs"],
  ["approvalId", "approval_requests"],
  ["artifactId", "evidence_artifacts"],
];

/** The row's content as hashed: an approval request with its decisions, other rows as they are. */
export async function rowContent(db: Db, table: CoveredTable, id: string): Promise<Record<string, unknown> | null> {
  if (table === "approval_requests") {
    const request = await db.selectFrom("approval_requests").selectAll().where("id", "=", id).executeTakeFirst();
    if (!request) return null;
    const decisions = await db.selectFrom("approval_decisions").selectAll().where("request_id", "=", id).orderBy("id").execute();
    return { request, decisions };
  }
  const row = await db.selectFrom(table).selectAll().where("id", "=", id).executeTakeFirst();
  return (row as Record<string, unknown> | undefined) ?? null;
}

/** Every row of a table with its content as rowContent gives it, in two queries at most (not one or two per row). */
async function tableContents(db: Db, table: CoveredTable): Promise<[id: string, content: Record<string, unknown>][]> {
  if (table === "approval_requests") {
    const decisions = new Map<string, unknown[]>();
    for (const d of await db.selectFrom("approval_decisions").selectAll().orderBy("id").execute()) {
      const list = decisions.get(d.request_id);
      if (list) list.push(d);
      else decisions.set(d.request_id, [d]);
    }
    const requests = await db.selectFrom("approval_requests").selectAll().execute();
    return requests.map((request) => [request.id, { request, decisions: decisions.get(request.id) ?? [] }]);
  }
  const rows = (await db.selectFrom(table).selectAll().execute()) as (Record<string, unknown> & { id: string })[];
  return rows.map((row) => [row.id, row]);
}

export const rowHash = (content: unknown) => createHash("sha256").update(canonicalJson(content), "utf8").digest("hex");

/**
 * `covers` of a new entry: the hash of every row its details name, as canonical JSON, or null.
 * An undo run also covers the run it undid (reconcile marks that one undone after a crash).
 */
export async function coversFor(db: Db, details: Record<string, unknown>): Promise<string | null> {
  const refs: [CoveredTable, string][] = [];
  for (const [key, table] of DETAIL_KEYS) {
    const v = details[key];
    if (typeof v === "string" && v) refs.push([table, v]);
  }
  const out: Record<string, string> = {};
  for (let i = 0; i < refs.length; i++) {
    const [table, id] = refs[i];
    const ref = `${table}/${id}`;
    if (out[ref]) continue;
    const content = await rowContent(db, table, id);
    if (!content) continue;
    out[ref] = rowHash(content);
    if (table === "step_runs" && content.operation === "undo" && typeof content.record === "string") {
      const undoes = safeParse(content.record)?.undoes;
      if (typeof undoes === "string" && undoes) refs.push(["step_runs", undoes]);
    }
  }
  return Object.keys(out).length ? canonicalJson(out) : null;
}

function safeParse(text: string): Record<string, unknown> | null {
  try {
    const v = JSON.parse(text) as unknown;
    return v && typeof v === "object" ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** When a row was written: rows older than the first covering entry predate anchoring (legacy). */
export function rowTime(table: CoveredTable, content: Record<string, unknown>): string {
  if (table === "approval_requests") return String((content.request as Record<string, unknown>).requested_at);
  return String(table === "step_runs" ? content.started_at : content.stored_at);
}

export type RowProblem = { ref: string; reason: "row-changed" | "row-removed" | "row-unrecorded"; entryId: number | null };

/**
 * Every covered row against the newest entry that covers it. `row-changed`: its content is not
 * what the entry recorded; `row-removed`: an entry covers a row no longer there; `row-unrecorded`:
 * a row written after anchoring began that no entry covers (inserted behind the console's back).
 */
export async function verifyCovers(db: Db): Promise<{ checked: number; problems: RowProblem[] }> {
  const latest = new Map<string, { entryId: number; hash: string }>();
  let firstCoveredAt: string | null = null;
  const entries = await db.selectFrom("timeline").select(["id", "at", "covers"]).where("covers", "is not", null).orderBy("id", "asc").execute();
  for (const e of entries) {
    firstCoveredAt ??= e.at;
    const covers = safeParse(e.covers!) ?? {};
    for (const [ref, hash] of Object.entries(covers)) if (typeof hash === "string") latest.set(ref, { entryId: e.id, hash });
  }
  const problems: RowProblem[] = [];
  const seen = new Set<string>();
  let checked = 0;
  for (const table of COVERED_TABLES) {
    for (const [id, content] of await tableContents(db, table)) {
      const ref = `${table}/${id}`;
      seen.add(ref);
      checked++;
      const recorded = latest.get(ref);
      if (!recorded) {
        if (firstCoveredAt !== null && rowTime(table, content) >= firstCoveredAt) problems.push({ ref, reason: "row-unrecorded", entryId: null });
        continue;
      }
      if (rowHash(content) !== recorded.hash) problems.push({ ref, reason: "row-changed", entryId: recorded.entryId });
    }
  }
  for (const [ref, recorded] of latest) if (!seen.has(ref)) problems.push({ ref, reason: "row-removed", entryId: recorded.entryId });
  return { checked, problems };
}
