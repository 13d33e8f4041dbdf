import "server-only";
import { listEntries } from "@/lib/audit/append";
import { hasRole, type Caller } from "@/lib/auth/roles";
import { listEvidence } from "@/lib/evidence/list";
import { getDb } from "@/lib/store";
import { listComments } from "@/lib/timeline-view/comments";
import { reviewOf } from "@/lib/timeline-view/review";
import { buttonClass } from "@/components/ui/button";
import { CommentForm, type EntryOption } from "./comment-form";
import { EvidenceListView } from "./evidence-list";
import { MarkReviewedForm } from "./mark-reviewed-form";

const enc = encodeURIComponent;
// The comment form offers the newest entries; older ones are reachable from /timeline.
const COMMENTABLE = 300;

/**
 * The lead's part of the incident page: evidence with downloads, the report download, comments
 * on entries and "Mark reviewed". Rendered on the server for every incident role; the forms
 * appear for leads only, and their actions check the role again.
 */
export async function LeadPanel({ incidentId, caller }: { incidentId: string; caller: Caller }) {
  const db = await getDb();
  const [evidence, comments, review, entries] = await Promise.all([
    listEvidence(incidentId),
    listComments(incidentId),
    reviewOf(db, incidentId),
    listEntries(db, { incidentId, limit: 5000 }),
  ]);
  const isLead = hasRole(caller, "lead");
  const options: EntryOption[] = entries
    .slice(-COMMENTABLE)
    .reverse()
    .map((e) => ({ id: e.id, label: `#${e.id} ${e.kind}${e.stepId ? ` · ${e.stepId}` : ""} · ${e.actor}` }));
  const reportUrl = `/api/v1/incidents/${enc(incidentId)}/report`;

  return (
    <section aria-labelledby="review-heading" className="space-y-4 rounded-lg border border-slate-200 bg-white p-4">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <h2 id="review-heading" className="text-lg font-semibold">
          Review
        </h2>
        <div className="flex gap-2">
          <a href={`${reportUrl}?format=md`} download={`incident-${incidentId}-report.md`} className={buttonClass("secondary", "sm")}>
            Download report
          </a>
          <a href={`${reportUrl}?format=json`} download={`incident-${incidentId}-report.json`} className={buttonClass("ghost", "sm")}>
            Report as JSON
          </a>
        </div>
      </div>

      <div role="status" aria-label="Review status" className="text-sm">
        {review ? (
          <p>
            <strong>Reviewed</strong> by {review.reviewedBy} at {review.reviewedAt.replace("T", " ").slice(0, 19)} UTC
            {review.note ? `: ${review.note}` : ""}
          </p>
        ) : (
          <p>Not reviewed yet.</p>
        )}
      </div>
      {isLead && !review && <MarkReviewedForm incidentId={incidentId} />}

      <div className="space-y-2">
        <h3 className="font-semibold">Evidence</h3>
        <EvidenceListView incidentId={incidentId} evidence={evidence} />
      </div>

      <div className="space-y-2">
        <h3 className="font-semibold">Comments</h3>
        {comments.length === 0 ? (
          <p className="text-sm text-slate-600">No comments yet.</p>
        ) : (
          <ul aria-label="Comments" className="space-y-2 text-sm">
            {comments.map((c) => (
              <li key={c.id} className="rounded-md border border-slate-200 px-3 py-2">
                <p className="text-xs text-slate-600">
                  {c.actor} on entry #{String(c.details.entryId)} ({String(c.details.onKind ?? "")}) · {c.at.replace("T", " ").slice(0, 19)}
                </p>
                <p className="whitespace-pre-wrap">{String(c.details.text ?? "")}</p>
              </li>
            ))}
          </ul>
        )}
        {isLead && <CommentForm incidentId={incidentId} entries={options} />}
      </div>
    </section>
  );
}
