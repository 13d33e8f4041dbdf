import "server-only";
import { requiredApprovals, requiredUndoApprovals } from "@/lib/approvals/policy";
import type { Risk, StepDefinition } from "./types";

/** An approver's sign-off bound to one plan hash (lib/approvals owns how it is requested and granted). */
export type Approval = {
  id: string;
  status: "approved" | "pending" | "rejected" | "expired";
  planHash: string;
  approvedBy: string[];
};

export type ApprovedOperation = "execute" | "undo";

/**
 * Looks up the approval of one plan (lib/approvals' approvalForExecution in the console, a stub in
 * tests). `operation` says whether the plan is an execution or an undo (release) plan; absent, execute.
 */
export type ApprovalLookup = (incidentId: string, stepId: string, planHash: string, operation?: ApprovedOperation) => Promise<Approval | null>;

/**
 * Uses up an approval for the run it let through (single-use approvals): throws (403
 * `approval-used`) when another run used it first. The console's does nothing when approvals
 * are configured reusable.
 */
export type ApprovalConsumer = (approvalId: string, use: { runId: string; operation: ApprovedOperation }) => Promise<void>;

/**
 * Which plans need an approver's sign-off: the configured approval policy (lib/approvals/policy,
 * APPROVAL_POLICY; by default every destructive step, and every plan its reasons raised to destructive).
 */
export function requiresApproval(step: Pick<StepDefinition, "id" | "risk">, planRisk?: Risk): boolean {
  return requiredApprovals(step, planRisk) > 0;
}

/** Whether undoing (releasing) the step needs a sign-off (by default: network, node-network and credentials isolations). */
export function requiresUndoApproval(step: Pick<StepDefinition, "id" | "stage">): boolean {
  return requiredUndoApprovals(step) > 0;
}

/**
 * The approval that lets this exact plan run, or null. A caller that gives the executor no
 * lookup has no approvals, so steps that need one are refused: failing closed is the point.
 */
export async function approvalFor(
  lookup: ApprovalLookup | undefined,
  incidentId: string,
  stepId: string,
  planHash: string,
  operation: ApprovedOperation = "execute",
): Promise<Approval | null> {
  if (!lookup) return null;
  const a = await lookup(incidentId, stepId, planHash, operation);
  return a && a.status === "approved" && a.planHash === planHash ? a : null;
}
