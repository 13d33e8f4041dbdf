import "server-only";
import type { Kysely, Selectable } from "kysely";
import type { ContainmentTables } from "@/lib/containment/db";
import type { Database, Db } from "@/lib/store";
import type { ApprovalStatus } from "./types";

/** Tables of migration 005-approvals; JSON columns are text and timestamps ISO-8601, as elsewhere in the store. */
export interface ApprovalRequestsTable {
  id: string;
  incident_id: string;
  step_id: string;
  plan_hash: string;
  plan: string;
  params: string;
  reason: string;
  requested_by: string;
  requested_role: string | null;
  requested_at: string;
  expires_at: string;
  required_approvals: number;
  status: ApprovalStatus;
  decided_at: string | null;
}

export interface ApprovalDecisionsTable {
  id: string;
  request_id: string;
  approver: string;
  role: string | null;
  decision: "approve" | "reject";
  comment: string;
  at: string;
}


export type ApprovalTables = { approval_requests: ApprovalRequestsTable; approval_decisions: ApprovalDecisionsTable };
export type ApprovalRequestRow = Selectable<ApprovalRequestsTable>;
export type ApprovalDecisionRow = Selectable<ApprovalDecisionsTable>;

// Layered on like containment's tables, so the store's shared schema file stays the store's.
export type ApprovalsDb = Kysely<Database & ContainmentTables & ApprovalTables>;

export function approvalsDb(db: Db): ApprovalsDb {
  return db.withTables<ContainmentTables & ApprovalTables>();
}
