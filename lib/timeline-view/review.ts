import "server-only";
import { appendEntry } from "@/lib/audit/append";
import { hasRole, type Caller } from "@/lib/auth/roles";
import { requireIncident, roleLabel } from "@/lib/containment/incidents";
import { isUniqueViolation } from "@/lib/store";
import { HttpError } from "@/lib/http/errors";
import { getDb, type Db } from "@/lib/store";

const REVIEWED_KIND = "incident-reviewed";

export type Review = { incidentId: string; reviewedBy: string; reviewedAt: string; entryId: number; note: string };

export async function reviewOf(db: Db, incidentId: string): Promise<Review | null> {
  const r = await db.selectFrom("incident_reviews").selectAll().where("incident_id", "=", incidentId).executeTakeFirst();
  return r ? { incidentId: r.incident_id, reviewedBy: r.reviewed_by, reviewedAt: r.reviewed_at, entryId: r.entry_id, note: r.note } : null;
}

/** Which of these incidents a lead has marked reviewed (the lead's table shows it beside each). */
export async function reviewedIncidents(db: Db, incidentIds: string[]): Promise<Set<string>> {
  if (!incidentIds.length) return new Set();
  const rows = await db.selectFrom("incident_reviews").select("incident_id").where("incident_id", "in", incidentIds).execute();
  return new Set(rows.map((r) => r.incident_id));
}

export async function getReview(incidentId: string): Promise<Review | null> {
  await requireIncident(incidentId);
  return reviewOf(await getDb(), incidentId);
}

/**
 * A lead marks the incident reviewed: an `incident-reviewed` timeline entry naming the newest
 * entry the lead saw (so later activity is visibly after the review), then the incident's flag.
 * Once only: a second mark is refused with who reviewed it and when.
 */
export async function markReviewed(caller: Caller, incidentId: string, input: { note?: string } = {}): Promise<Review> {
  if (!hasRole(caller, "lead")) throw new HttpError(403, "Only a lead may mark an incident reviewed", { reason: "role" });
  await requireIncident(incidentId);
  const db = await getDb();
  const already = await reviewOf(db, incidentId);
  if (already) throw alreadyReviewed(already);
  const last = await db.selectFrom("timeline").select(["id", "hash"]).where("incident_id", "=", incidentId).orderBy("id", "desc").limit(1).executeTakeFirst();
  const note = input.note?.trim() ?? "";
  const entry = await appendEntry(db, {
    actor: caller.email,
    role: roleLabel(caller),
    incidentId,
    kind: REVIEWED_KIND,
    details: { note, lastEntryId: last?.id ?? null, lastEntryHash: last?.hash ?? null },
  });
  const review: Review = { incidentId, reviewedBy: caller.email, reviewedAt: entry.at, entryId: entry.id, note };
  try {
    await db
      .insertInto("incident_reviews")
      .values({ incident_id: incidentId, reviewed_by: review.reviewedBy, reviewed_at: review.reviewedAt, entry_id: review.entryId, note })
      .execute();
  } catch (err) {
    // Two leads at once: the first flag stands; the second entry remains on the timeline as what happened.
    if (isUniqueViolation(err)) {
      const winner = await reviewOf(db, incidentId);
      if (winner) throw alreadyReviewed(winner);
    }
    throw err;
  }
  return review;
}

function alreadyReviewed(r: Review): HttpError {
  return new HttpError(409, `Already reviewed by ${r.reviewedBy} at ${r.reviewedAt}`, { reason: "already-reviewed" });
}
