import "server-only";
import { randomUUID } from "node:crypto";
import { appendEntry } from "@/lib/audit/append";
import { hasRole, type Caller } from "@/lib/auth/roles";
import type { Approval, ApprovedOperation } from "@/lib/containment/approvals";
import { planStep, planUndo, validateParams } from "@/lib/containment/executor";
import type { AnyStep, PlanView } from "@/lib/containment/types";
import { getIncident, requireIncident, roleLabel, timelineTargets } from "@/lib/containment/incidents";
import { getStep, requireStep } from "@/lib/containment/registry";
import type { Incident } from "@/lib/containment/types";
import { HttpError } from "@/lib/http/errors";
import { getDb, type Db } from "@/lib/store";
import { now } from "./clock";
import { type ApprovalDecisionRow, type ApprovalRequestRow } from "./db";
import { MIN_REJECT_COMMENT } from "./doors";
import { notify } from "@/lib/notify";
import { requiredApprovals, requiredUndoApprovals, singleUseApprovals, ttlMs } from "./policy";
import { APPROVAL_EVENTS, type ApprovalStatus, type ApprovalView } from "./types";
import { writeTx } from "./write-tx";

/** The actor of entries nobody caused (an expiry noticed by the console itself). */
const SYSTEM_ACTOR = "airlock";

const sameUser = (a: string, b: string) => a.trim().toLowerCase() === b.trim().toLowerCase();
const iso = (d: Date) => d.toISOString();

/** Execute or undo: kept in the stored plan (an undo plan says `operation: "undo"`), so no column is needed. */
function operationOf(row: ApprovalRequestRow): ApprovedOperation {
  return planOperation(JSON.parse(row.plan) as PlanView);
}

function planOperation(plan: PlanView): ApprovedOperation {
  return plan.operation === "undo" ? "undo" : "execute";
}

function toView(row: ApprovalRequestRow, decisions: ApprovalDecisionRow[], incident: Incident | null): ApprovalView {
  // The stored plan is parsed once: the view shows it and its operation names the request.
  const plan = JSON.parse(row.plan) as PlanView;
  const operation = planOperation(plan);
  return {
    operation,
    id: row.id,
    incidentId: row.incident_id,
    incident: incident
      ? {
          title: incident.title,
          severity: incident.severity,
          cluster: incident.targets.cluster,
          namespace: incident.targets.namespace,
          pod: incident.targets.pod,
        }
      : null,
    stepId: row.step_id,
    // An undo's request names itself so in the inbox, the wizard and notifications alike.
    stepTitle: `${operation === "undo" ? "Undo: " : ""}${getStep(row.step_id)?.title ?? row.step_id}`,
    planHash: row.plan_hash,
    plan,
    params: JSON.parse(row.params) as Record<string, unknown>,
    reason: row.reason,
    requestedBy: row.requested_by,
    requestedRole: row.requested_role,
    requestedAt: row.requested_at,
    expiresAt: row.expires_at,
    requiredApprovals: row.required_approvals,
    status: row.status,
    decidedAt: row.decided_at,
    decisions: decisions
      .filter((d) => d.request_id === row.id)
      .map((d) => ({ approver: d.approver, role: d.role, decision: d.decision, comment: d.comment, at: d.at })),
  };
}

async function views(db: Db, rows: ApprovalRequestRow[]): Promise<ApprovalView[]> {
  if (rows.length === 0) return [];
  const ids = rows.map((r) => r.id);
  const decisions = await db.selectFrom("approval_decisions").selectAll().where("request_id", "in", ids).orderBy("at", "asc").execute();
  const incidents = new Map<string, Incident | null>();
  for (const id of new Set(rows.map((r) => r.incident_id))) incidents.set(id, await getIncident(id));
  return rows.map((r) => toView(r, decisions, incidents.get(r.incident_id) ?? null));
}

function entryBase(incident: Incident | null, row: ApprovalRequestRow) {
  return {
    incidentId: row.incident_id,
    stepId: row.step_id,
    targets: incident ? timelineTargets(incident.targets) : [],
    planHash: row.plan_hash,
  };
}

/**
 * Marks lapsed requests expired. The conditional UPDATE makes the first noticer the only one
 * that writes the `approval-expired` entry, however many readers notice at once.
 */
async function noticeExpired(db: Db, rows: ApprovalRequestRow[], noticedBy?: string): Promise<ApprovalRequestRow[]> {
  const at = iso(now());
  const out: ApprovalRequestRow[] = [];
  for (const row of rows) {
    if ((row.status !== "pending" && row.status !== "approved") || row.expires_at > at) {
      out.push(row);
      continue;
    }
    const res = await db
      .updateTable("approval_requests")
      .set({ status: "expired" })
      .where("id", "=", row.id)
      .where("status", "=", row.status)
      .executeTakeFirst();
    const expired: ApprovalRequestRow = { ...row, status: "expired" };
    if (Number(res.numUpdatedRows) === 1) {
      const incident = await getIncident(row.incident_id);
      await appendEntry(db, {
        actor: SYSTEM_ACTOR,
        role: "system",
        kind: APPROVAL_EVENTS.expired,
        ...entryBase(incident, row),
        details: { approvalId: row.id, was: row.status, expiresAt: row.expires_at, noticedAt: at, ...(noticedBy ? { noticedBy } : {}) },
      });
    }
    out.push(expired);
  }
  return out;
}

async function noticeAllExpired(db: Db): Promise<void> {
  const due = await db
    .selectFrom("approval_requests")
    .selectAll()
    .where("status", "in", ["pending", "approved"])
    .where("expires_at", "<=", iso(now()))
    .execute();
  await noticeExpired(db, due);
}

async function requireRow(db: Db, id: string): Promise<ApprovalRequestRow> {
  const row = await db.selectFrom("approval_requests").selectAll().where("id", "=", id).executeTakeFirst();
  if (!row) throw new HttpError(404, `No approval request ${id}`);
  return row;
}

async function stepRows(db: Db, incidentId: string, stepId: string): Promise<ApprovalRequestRow[]> {
  const rows = await db
    .selectFrom("approval_requests")
    .selectAll()
    .where("incident_id", "=", incidentId)
    .where("step_id", "=", stepId)
    .orderBy("requested_at", "desc")
    .execute();
  return noticeExpired(db, rows);
}

export type RequestInput = { planHash: string; reason: string; params?: Record<string, unknown>; operation?: ApprovedOperation };

/**
 * The params an approval stores: the step's own schema's output, never the raw body. A key the
 * schema does not know is refused (400 naming it) rather than stored or silently dropped.
 */
function approvalParams(step: AnyStep, raw: Record<string, unknown> | undefined): Record<string, unknown> {
  const params = validateParams(step, raw);
  const unknown = Object.keys(raw ?? {}).filter((k) => !(k in params));
  if (unknown.length) {
    throw new HttpError(400, "Invalid step parameters", {
      fieldErrors: Object.fromEntries(unknown.map((k) => [`params.${k}`, [`not a parameter of "${step.title}"`]])),
    });
  }
  return params;
}

/**
 * An analyst asks for sign-off on the plan they reviewed (an execution plan, or with `operation:
 * "undo"` the undo plan of a release). The plan is made again live: a hash that is not the current
 * plan is refused (409), so an approver never signs a plan that would not run. The stored plan is
 * exactly the one the approver will see; the stored params are the step schema's output.
 */
export async function requestApproval(caller: Caller, incidentId: string, stepId: string, input: RequestInput): Promise<ApprovalView> {
  const incident = await requireIncident(incidentId);
  const step = requireStep(stepId);
  const operation = input.operation ?? "execute";
  const params = operation === "undo" ? {} : approvalParams(step, input.params);
  const view = operation === "undo" ? await planUndo(caller, incidentId, stepId) : await planStep(caller, incidentId, stepId, params);
  const required = operation === "undo" ? requiredUndoApprovals(step) : requiredApprovals(step, view.risk);
  if (required === 0) {
    const what = operation === "undo" ? `Undoing "${step.title}"` : `"${step.title}"`;
    throw new HttpError(409, `${what} does not need an approver's sign-off under the approval policy`, { reason: "approval-not-required" });
  }
  if (view.planHash !== input.planHash) {
    throw new HttpError(409, "The plan changed since you reviewed it; review the new plan and request approval for it", { reason: "plan-changed" });
  }
  if (view.blocked) throw new HttpError(409, view.blocked, { reason: "blocked" });

  const db = await getDb();
  const open = (await stepRows(db, incidentId, stepId)).find(
    (r) => r.plan_hash === view.planHash && operationOf(r) === operation && (r.status === "pending" || r.status === "approved"),
  );
  if (open) {
    throw new HttpError(
      409,
      open.status === "pending" ? "An approval request for this plan is already waiting for an approver" : "This plan is already approved",
      {
        reason: open.status === "pending" ? "approval-pending" : "already-approved",
      },
    );
  }

  const at = now();
  const row: ApprovalRequestRow = {
    id: randomUUID(),
    incident_id: incidentId,
    step_id: stepId,
    plan_hash: view.planHash,
    plan: JSON.stringify(view),
    params: JSON.stringify(params),
    reason: input.reason.trim(),
    requested_by: caller.email,
    requested_role: roleLabel(caller),
    requested_at: iso(at),
    expires_at: iso(new Date(at.getTime() + ttlMs())),
    required_approvals: required,
    status: "pending",
    decided_at: null,
  };
  await db.insertInto("approval_requests").values(row).execute();
  await appendEntry(db, {
    actor: caller.email,
    role: roleLabel(caller),
    kind: APPROVAL_EVENTS.requested,
    ...entryBase(incident, row),
    details: {
      approvalId: row.id,
      operation,
      reason: row.reason,
      risk: view.risk,
      ...(view.riskReasons ? { riskReasons: view.riskReasons } : {}),
      requiredApprovals: required,
      expiresAt: row.expires_at,
      params,
    },
  });
  const [out] = await views(db, [row]);
  notify({ kind: APPROVAL_EVENTS.requested, approval: out, actor: caller.email });
  return out;
}

export type Decision = "approve" | "reject";

/**
 * An approver approves or rejects with a comment. Refused: without the approver role or on one's
 * own request (403), on a request already decided or lapsed (409), twice by the same approver
 * (409). With two approvals required the request stays pending until a second approver agrees.
 */
export async function decideApproval(caller: Caller, approvalId: string, decision: Decision, commentRaw = ""): Promise<ApprovalView> {
  if (!hasRole(caller, "approver")) throw new HttpError(403, "Only an approver may approve or reject", { reason: "role" });
  const comment = commentRaw.trim();
  if (decision === "reject" && comment.length < MIN_REJECT_COMMENT) {
    throw new HttpError(400, "Say why you reject this request", { fieldErrors: { comment: [`at least ${MIN_REJECT_COMMENT} characters`] } });
  }
  const db = await getDb();
  const [row] = await noticeExpired(db, [await requireRow(db, approvalId)], caller.email);
  if (sameUser(row.requested_by, caller.email)) {
    throw new HttpError(403, "You requested this approval; another approver must decide it", { reason: "self-approval" });
  }
  if (row.status === "expired")
    throw new HttpError(409, "This approval request has expired; the analyst must request a new one", { reason: "approval-expired" });
  if (row.status !== "pending") throw new HttpError(409, `This approval request was already ${row.status}`, { reason: "already-decided" });

  const at = iso(now());
  const decided = await writeTx(db, async (trx, engine) => {
    let q = trx.selectFrom("approval_requests").selectAll().where("id", "=", approvalId);
    if (engine === "postgres") q = q.forUpdate();
    const current = await q.executeTakeFirstOrThrow();
    if (current.status !== "pending") throw new HttpError(409, `This approval request was already ${current.status}`, { reason: "already-decided" });
    if (current.expires_at <= at)
      throw new HttpError(409, "This approval request has expired; the analyst must request a new one", { reason: "approval-expired" });
    const mine = await trx
      .selectFrom("approval_decisions")
      .select("id")
      .where("request_id", "=", approvalId)
      .where("approver", "=", caller.email)
      .executeTakeFirst();
    if (mine) throw new HttpError(409, "You already approved this request; it needs another approver", { reason: "already-decided" });
    await trx
      .insertInto("approval_decisions")
      .values({ id: randomUUID(), request_id: approvalId, approver: caller.email, role: roleLabel(caller), decision, comment, at })
      .execute();
    const approvals = (
      await trx.selectFrom("approval_decisions").select("approver").where("request_id", "=", approvalId).where("decision", "=", "approve").execute()
    ).length;
    let status: ApprovalStatus = "pending";
    if (decision === "reject") status = "rejected";
    else if (approvals >= current.required_approvals) status = "approved";
    const update: Partial<ApprovalRequestRow> = { status };
    if (status !== "pending") update.decided_at = at;
    // The sign-off is good for one TTL from the moment it is complete, not from the request.
    if (status === "approved") update.expires_at = iso(new Date(new Date(at).getTime() + ttlMs()));
    await trx.updateTable("approval_requests").set(update).where("id", "=", approvalId).execute();
    return { ...current, ...update, approvals } as ApprovalRequestRow & { approvals: number };
  });

  const incident = await getIncident(row.incident_id);
  await appendEntry(db, {
    actor: caller.email,
    role: roleLabel(caller),
    kind: decision === "approve" ? APPROVAL_EVENTS.approved : APPROVAL_EVENTS.rejected,
    ...entryBase(incident, row),
    details: {
      approvalId,
      comment,
      requestedBy: row.requested_by,
      approvals: decided.approvals,
      requiredApprovals: decided.required_approvals,
      status: decided.status,
      ...(decided.status === "approved" ? { validUntil: decided.expires_at } : {}),
    },
  });
  const [out] = await views(db, [decided]);
  notify({ kind: decision === "approve" ? APPROVAL_EVENTS.approved : APPROVAL_EVENTS.rejected, approval: out, actor: caller.email, comment });
  return out;
}

export async function getApproval(approvalId: string, noticedBy?: string): Promise<ApprovalView> {
  const db = await getDb();
  const rows = await noticeExpired(db, [await requireRow(db, approvalId)], noticedBy);
  return (await views(db, rows))[0];
}

export type ListOptions = { status?: ApprovalStatus; incidentId?: string; stepId?: string; limit?: number };

/** Newest first, bounded; lapsed requests are marked expired (and logged) before filtering. */
export async function listApprovals(opts: ListOptions = {}): Promise<ApprovalView[]> {
  const db = await getDb();
  await noticeAllExpired(db);
  let q = db
    .selectFrom("approval_requests")
    .selectAll()
    .orderBy("requested_at", "desc")
    .limit(Math.min(Math.max(opts.limit ?? 100, 1), 500));
  if (opts.status) q = q.where("status", "=", opts.status);
  if (opts.incidentId) q = q.where("incident_id", "=", opts.incidentId);
  if (opts.stepId) q = q.where("step_id", "=", opts.stepId);
  return views(db, await q.execute());
}

/** A step's requests (newest first) for the wizard's approval slot; 404 for an unknown incident or step. */
export async function stepApprovals(incidentId: string, stepId: string): Promise<ApprovalView[]> {
  await requireIncident(incidentId);
  requireStep(stepId);
  const db = await getDb();
  return views(db, await stepRows(db, incidentId, stepId));
}

/**
 * The executor's approval lookup (the doors pass it as CONSOLE_GATES). Only a complete, unexpired
 * approval of exactly this plan hash lets the step run; otherwise it throws the reason the
 * analyst needs: rejected, still waiting, expired, or approved for a plan that has since changed.
 */
export async function approvalForExecution(
  incidentId: string,
  stepId: string,
  planHash: string,
  operation: ApprovedOperation = "execute",
): Promise<Approval | null> {
  const step = requireStep(stepId);
  const db = await getDb();
  const rows = (await stepRows(db, incidentId, stepId)).filter((r) => operationOf(r) === operation);
  const same = rows.filter((r) => r.plan_hash === planHash);
  const approved = same.find((r) => r.status === "approved");
  if (approved) {
    const [v] = await views(db, [approved]);
    const approvedBy = v.decisions.filter((d) => d.decision === "approve").map((d) => d.approver);
    // A policy raised since the request was approved still binds (at the risk the approved plan was raised to).
    const now = operation === "undo" ? requiredUndoApprovals(step) : requiredApprovals(step, v.plan.risk);
    const needed = Math.max(approved.required_approvals, now);
    if (approvedBy.length < needed) {
      throw new HttpError(403, `"${step.title}" now needs ${needed} approvals; this plan has ${approvedBy.length}. Request a new approval`, {
        reason: "approval-required",
      });
    }
    return { id: approved.id, status: "approved", planHash, approvedBy };
  }
  const latest = same[0];
  if (latest?.status === "rejected") {
    const [v] = await views(db, [latest]);
    const by = v.decisions.find((d) => d.decision === "reject");
    throw new HttpError(403, `The approval request for this plan was rejected${by ? ` by ${by.approver}: ${by.comment}` : ""}. It cannot be executed`, {
      reason: "approval-rejected",
    });
  }
  if (latest?.status === "pending") {
    const [v] = await views(db, [latest]);
    const n = v.decisions.filter((d) => d.decision === "approve").length;
    throw new HttpError(403, `"${step.title}" is waiting for approval (${n} of ${latest.required_approvals})`, { reason: "approval-pending" });
  }
  if (latest?.status === "used") {
    throw new HttpError(403, "The approval for this plan was used by an earlier run; each approval lets one run. Request a new approval", {
      reason: "approval-used",
    });
  }
  if (rows.some((r) => r.status === "approved")) {
    throw new HttpError(409, "The plan changed since it was approved; it needs a new approval", { reason: "approval-stale" });
  }
  if (latest?.status === "expired") {
    throw new HttpError(403, "The approval for this plan has expired; request a new approval", { reason: "approval-expired" });
  }
  return null;
}

/**
 * Uses up an approval for the run it let through (the doors pass it as CONSOLE_GATES): a
 * conditional UPDATE, so of two runs only one spends it; the other is refused (403
 * `approval-used`). With APPROVAL_SINGLE_USE=false approvals stay valid until they expire.
 */
export async function consumeApproval(approvalId: string, use: { runId: string; operation: ApprovedOperation }): Promise<void> {
  if (!singleUseApprovals()) return;
  const db = await getDb();
  const res = await db
    .updateTable("approval_requests")
    .set({ status: "used" })
    .where("id", "=", approvalId)
    .where("status", "=", "approved")
    .executeTakeFirst();
  if (Number(res.numUpdatedRows) !== 1) {
    throw new HttpError(403, "This approval was already used by another run; request a new approval", { reason: "approval-used" });
  }
  const row = await requireRow(db, approvalId);
  const incident = await getIncident(row.incident_id);
  await appendEntry(db, {
    actor: SYSTEM_ACTOR,
    role: "system",
    kind: APPROVAL_EVENTS.used,
    ...entryBase(incident, row),
    details: { approvalId, runId: use.runId, operation: use.operation },
  });
}
