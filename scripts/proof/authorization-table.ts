// Who may call each door of the console: the expectation the authorization figure checks every
// route handler and server action against. Written out here on purpose, not imported from the
// doors' own role constants: a door whose requirement drifts from this table shows up as a
// mismatch, and a door missing from it fails the figure.
import type { Role } from "@/lib/auth";

/**
 * `public`: answers without a caller (probes, the API description, next-auth's own endpoints).
 * `ingest-door`: alert intake; only an ingest token (or the door's own machine credential).
 * `closed`: refused to every caller the figure has (SCC intake needs a Google-signed token, unconfigured here;
 *   metrics take only AIRLOCK_METRICS_TOKEN, never a user's session or API token).
 * Otherwise the roles that may call; a lead holds analyst's abilities.
 */
export type Expectation = "public" | "ingest-door" | "closed" | readonly Role[];

// Reading an incident and its plans, the undo plan and the runbook plan included: an approver
// must see what it signs off (a release restores what an undo plan says), and planning only reads
// (no cluster write; a `plan` timeline entry records who looked).
const INCIDENT: readonly Role[] = ["analyst", "lead", "approver"];
// Running or undoing a step or a runbook: never an approver (it signs off, it does not run).
const EXECUTE: readonly Role[] = ["analyst", "lead"];
const REVIEW_READ: readonly Role[] = ["analyst", "lead", "approver"];
const BROWSE: readonly Role[] = ["analyst", "lead", "approver", "admin"];
const LEAD_ONLY: readonly Role[] = ["lead"];
const PEOPLE: readonly Role[] = ["analyst", "lead", "approver", "admin"];

/** "METHOD /api/…/[param]" → who may call it. */
export const ROUTES: Record<string, Expectation> = {
  "GET /api/auth/[...nextauth]": "public",
  "POST /api/auth/[...nextauth]": "public",
  "GET /api/healthz": "public",
  "GET /api/readyz": "public",
  "GET /api/v1/openapi.json": "public",
  "GET /api/metrics": "closed",

  "POST /api/v1/alerts/falco": "ingest-door",
  "POST /api/v1/alerts": "ingest-door",
  "POST /api/v1/alerts/scc": "closed",
  "GET /api/v1/alerts": ["analyst", "lead"],

  "GET /api/v1/approvals": ["approver", "lead"],
  "GET /api/v1/approvals/[approvalId]": ["analyst", "lead", "approver"],
  "POST /api/v1/approvals/[approvalId]/approve": ["approver"],
  "POST /api/v1/approvals/[approvalId]/reject": ["approver"],

  "GET /api/v1/audit/verify": ["lead", "admin"],

  "GET /api/v1/clusters": BROWSE,
  "GET /api/v1/clusters/[cluster]": BROWSE,
  "GET /api/v1/clusters/[cluster]/networkpolicies": BROWSE,
  "GET /api/v1/clusters/[cluster]/nodes": BROWSE,
  "GET /api/v1/clusters/[cluster]/nodes/[name]": BROWSE,
  "GET /api/v1/clusters/[cluster]/pods": BROWSE,
  "GET /api/v1/clusters/[cluster]/pods/[namespace]/[name]": BROWSE,
  "GET /api/v1/clusters/[cluster]/services": BROWSE,

  "GET /api/v1/incidents": INCIDENT,
  "POST /api/v1/incidents": ["analyst", "lead"],
  "GET /api/v1/incidents/[id]": INCIDENT,
  "GET /api/v1/incidents/[id]/comments": REVIEW_READ,
  "POST /api/v1/incidents/[id]/comments": LEAD_ONLY,
  "GET /api/v1/incidents/[id]/containment": INCIDENT,
  "GET /api/v1/incidents/[id]/evidence": REVIEW_READ,
  "GET /api/v1/incidents/[id]/evidence/[artifactId]": REVIEW_READ,
  "GET /api/v1/incidents/[id]/release": INCIDENT,
  "GET /api/v1/incidents/[id]/report": REVIEW_READ,
  "GET /api/v1/incidents/[id]/review": REVIEW_READ,
  "POST /api/v1/incidents/[id]/review": LEAD_ONLY,
  "GET /api/v1/incidents/[id]/runbooks/[runbook]": INCIDENT,
  "POST /api/v1/incidents/[id]/runbooks/[runbook]/plan": INCIDENT,
  "POST /api/v1/incidents/[id]/runbooks/[runbook]/execute": EXECUTE,
  "GET /api/v1/incidents/[id]/steps/[stepId]/approvals": ["analyst", "lead", "approver"],
  "POST /api/v1/incidents/[id]/steps/[stepId]/approvals": ["analyst", "lead", "approver"],
  "POST /api/v1/incidents/[id]/steps/[stepId]/execute": EXECUTE,
  "POST /api/v1/incidents/[id]/steps/[stepId]/plan": INCIDENT,
  "GET /api/v1/incidents/[id]/steps/[stepId]/progress": INCIDENT,
  "POST /api/v1/incidents/[id]/steps/[stepId]/undo": EXECUTE,
  "POST /api/v1/incidents/[id]/steps/[stepId]/undo/plan": INCIDENT,
  "GET /api/v1/incidents/[id]/timeline": INCIDENT,
  "GET /api/v1/timeline": REVIEW_READ,
};

/** "<file under app/>#<export>" → who may call the server action. */
export const ACTIONS: Record<string, Expectation> = {
  "account/actions/create-token.ts#createApiToken": PEOPLE,
  "account/actions/revoke-token.ts#revokeApiToken": PEOPLE,
  "alerts/actions/open-incident.ts#openIncidentFromAlertAction": ["analyst", "lead"],
  "approvals/actions/approve.ts#approveAction": ["approver"],
  "approvals/actions/reject.ts#rejectAction": ["approver"],
  "approvals/actions/request-approval.ts#requestApprovalAction": ["analyst", "lead", "approver"],
  "incidents/actions/execute-runbook.ts#executeRunbookAction": EXECUTE,
  "incidents/actions/execute-step.ts#executeStepAction": EXECUTE,
  "incidents/actions/open-incident.ts#openIncidentAction": ["analyst", "lead"],
  "incidents/actions/plan-runbook.ts#planRunbookAction": INCIDENT,
  "incidents/actions/plan-step.ts#planStepAction": INCIDENT,
  "incidents/actions/plan-undo.ts#planUndoAction": INCIDENT,
  "incidents/actions/undo-step.ts#undoStepAction": EXECUTE,
  "timeline/actions/add-comment.ts#addCommentAction": LEAD_ONLY,
  "timeline/actions/mark-reviewed.ts#markReviewedAction": LEAD_ONLY,
};

/** Actions that name no incident, approval, alert or token: the wrong-incident caller does not apply. */
export const TARGETLESS_ACTIONS = new Set(["account/actions/create-token.ts#createApiToken", "incidents/actions/open-incident.ts#openIncidentAction"]);

export const CALLERS = [
  "anonymous",
  "analyst",
  "lead",
  "approver",
  "admin",
  "ingest",
  "revoked token",
  "expired token",
  "disabled user",
  "wrong-incident id",
] as const;
export type CallerKind = (typeof CALLERS)[number];

export type Verdict = "allow" | "refuse" | "n/a";

/** What the table says this caller should get. `wrong-incident id` is a caller allowed by role, aimed at an incident (or approval) that does not exist. */
export function expected(exp: Expectation, who: CallerKind, hasIdParam: boolean): Verdict {
  if (who === "wrong-incident id") return exp === "public" || exp === "ingest-door" || exp === "closed" || !hasIdParam ? "n/a" : "refuse";
  if (exp === "public") return "allow";
  if (exp === "closed") return "refuse";
  if (exp === "ingest-door") return who === "ingest" ? "allow" : "refuse";
  return (exp as readonly string[]).includes(who) ? "allow" : "refuse";
}
