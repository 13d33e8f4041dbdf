// Plain data shared by the service, both doors and the UI (client components import these types).
import type { PlanView } from "@/lib/containment/types";

/** `used`: a single-use approval that let its run through (APPROVAL_SINGLE_USE, default). */
export type ApprovalStatus = "pending" | "approved" | "rejected" | "expired" | "used";
export const APPROVAL_STATUSES = ["pending", "approved", "rejected", "expired", "used"] as const satisfies readonly ApprovalStatus[];

/** Timeline kinds this module writes (the report and the lead's filters read them). */
export const APPROVAL_EVENTS = {
  requested: "approval-requested",
  approved: "approval-approved",
  rejected: "approval-rejected",
  expired: "approval-expired",
  used: "approval-used",
} as const;

export type ApprovalDecision = {
  approver: string;
  role: string | null;
  decision: "approve" | "reject";
  comment: string;
  at: string;
};

/** One request as every door shows it: the plan the approver reviews is the one stored with it. */
export type ApprovalView = {
  id: string;
  /** Sign-off for executing the step, or for undoing (releasing) its latest run; absent means execute. */
  operation?: "execute" | "undo";
  incidentId: string;
  incident: { title: string; severity: string; cluster: string; namespace: string; pod: string } | null;
  stepId: string;
  stepTitle: string;
  planHash: string;
  plan: PlanView;
  params: Record<string, unknown>;
  reason: string;
  requestedBy: string;
  requestedRole: string | null;
  requestedAt: string;
  /** Pending: when the request lapses. Approved: until when the approval may be used. */
  expiresAt: string;
  requiredApprovals: number;
  status: ApprovalStatus;
  decidedAt: string | null;
  decisions: ApprovalDecision[];
};
