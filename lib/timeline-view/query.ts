import "server-only";
import { z } from "zod";
import { toEntry, type TimelineEntry } from "@/lib/audit/append";
import type { Db } from "@/lib/store";
import { OUTCOMES, outcomeNeedle, outcomeOf, type Outcome } from "./outcome";

const id = z
  .string()
  .trim()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9-]+$/, { message: "not an incident id" });
// A time without a zone (what <input type="datetime-local"> sends) is read as UTC, not as the server's zone.
const isoish = z
  .string()
  .trim()
  .min(1)
  .transform((v) => (/^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?$/.test(v) ? `${v}Z` : v))
  .refine((v) => !Number.isNaN(Date.parse(v)), { message: "a date or date-time (ISO 8601)" })
  .transform((v) => new Date(v).toISOString());
const blankToUndefined = (v: unknown) => (typeof v === "string" && v.trim() === "" ? undefined : v);

/** The lead's filters, as both the API's query string and the page's form send them. */
export const timelineFilters = z.object({
  incidentId: z.preprocess(blankToUndefined, id.optional()),
  actor: z.preprocess(blankToUndefined, z.string().trim().max(320).optional()),
  stepId: z.preprocess(
    blankToUndefined,
    z
      .string()
      .regex(/^[a-z][a-z0-9-]{0,63}$/, { message: "not a step id" })
      .optional(),
  ),
  kind: z.preprocess(
    blankToUndefined,
    z
      .string()
      .regex(/^[a-z][a-z0-9-]{0,63}$/, { message: "not a timeline kind" })
      .optional(),
  ),
  outcome: z.preprocess(blankToUndefined, z.enum(OUTCOMES).optional()),
  from: z.preprocess(blankToUndefined, isoish.optional()),
  to: z.preprocess(blankToUndefined, isoish.optional()),
  /** Paging cursor: entries with a smaller id (the `next` of the previous page). */
  before: z.preprocess(blankToUndefined, z.coerce.number().int().min(1).optional()),
  limit: z.preprocess(blankToUndefined, z.coerce.number().int().min(1).max(500).default(100)),
});
export type TimelineFilters = z.output<typeof timelineFilters>;

export type TimelineViewEntry = TimelineEntry & { outcome: Outcome | null; incidentTitle: string | null };
export type TimelinePage = { items: TimelineViewEntry[]; next: number | null };

const BATCH = 500;

/**
 * Timeline entries newest first, across incidents or for one, filtered on the server. An outcome
 * filter is pre-filtered in SQL and decided exactly in code, reading further batches until the
 * page is full, so a page never comes back short while older matches exist.
 */
export async function queryTimeline(db: Db, f: TimelineFilters): Promise<TimelinePage> {
  const items: TimelineEntry[] = [];
  let before = f.before;
  let exhausted = false;
  while (items.length < f.limit && !exhausted) {
    let q = db.selectFrom("timeline").selectAll().orderBy("id", "desc").limit(BATCH);
    if (before !== undefined) q = q.where("id", "<", before);
    if (f.incidentId) q = q.where("incident_id", "=", f.incidentId);
    if (f.actor) q = q.where("actor", "=", f.actor);
    if (f.stepId) q = q.where("step_id", "=", f.stepId);
    if (f.kind) q = q.where("kind", "=", f.kind);
    if (f.from) q = q.where("at", ">=", f.from);
    if (f.to) q = q.where("at", "<=", f.to);
    if (f.outcome) q = q.where("details", "like", `%${outcomeNeedle(f.outcome)}%`);
    const rows = await q.execute();
    exhausted = rows.length < BATCH;
    for (const row of rows) {
      before = row.id;
      const e = toEntry(row);
      if (f.outcome && outcomeOf(e) !== f.outcome) continue;
      items.push(e);
      if (items.length === f.limit) break;
    }
    if (rows.length === 0) exhausted = true;
  }
  const titles = await incidentTitles(db, [...new Set(items.map((e) => e.incidentId).filter((x): x is string => !!x))]);
  // A full page may be followed by more; the next page (possibly empty) says so for certain.
  const more = items.length === f.limit;
  return {
    items: items.map((e) => ({ ...e, outcome: outcomeOf(e), incidentTitle: e.incidentId ? (titles.get(e.incidentId) ?? null) : null })),
    next: more ? (items.at(-1)?.id ?? null) : null,
  };
}

async function incidentTitles(db: Db, ids: string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const rows = await db.selectFrom("incidents").select(["id", "title"]).where("id", "in", ids).execute();
  return new Map(rows.map((r) => [r.id, r.title]));
}
