import "server-only";
import { appendEntry, toEntry, type TimelineEntry } from "@/lib/audit/append";
import { hasRole, type Caller } from "@/lib/auth/roles";
import { requireIncident, roleLabel } from "@/lib/containment/incidents";
import { HttpError } from "@/lib/http/errors";
import { getDb } from "@/lib/store";

const COMMENT_KIND = "comment";

/**
 * A lead's comment on one entry of the incident's timeline. Comments are entries themselves
 * (kind `comment`, `details.entryId` naming the entry), so they are chained like everything
 * else and nothing is ever edited: a correction is another comment.
 */
export async function addComment(caller: Caller, incidentId: string, input: { entryId: number; text: string }): Promise<TimelineEntry> {
  if (!hasRole(caller, "lead")) throw new HttpError(403, "Only a lead may comment on the timeline", { reason: "role" });
  await requireIncident(incidentId);
  const db = await getDb();
  const row = await db.selectFrom("timeline").selectAll().where("id", "=", input.entryId).executeTakeFirst();
  if (!row || row.incident_id !== incidentId) throw new HttpError(404, `No entry ${input.entryId} in incident ${incidentId}`);
  const text = input.text.trim();
  if (!text) throw new HttpError(400, "Write a comment", { fieldErrors: { text: ["write a comment"] } });
  const target = toEntry(row);
  return appendEntry(db, {
    actor: caller.email,
    role: roleLabel(caller),
    incidentId,
    stepId: target.stepId,
    kind: COMMENT_KIND,
    details: { entryId: target.id, onKind: target.kind, text },
  });
}

/** Comments of one incident, oldest first. */
export async function listComments(incidentId: string): Promise<TimelineEntry[]> {
  await requireIncident(incidentId);
  const db = await getDb();
  const rows = await db
    .selectFrom("timeline")
    .selectAll()
    .where("incident_id", "=", incidentId)
    .where("kind", "=", COMMENT_KIND)
    .orderBy("id", "asc")
    .execute();
  return rows.map(toEntry);
}
