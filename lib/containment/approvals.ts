import "server-only";
import { requiredApprovals } from "@/lib/approvals/policy";
import type { StepDefinition } from "./types";

/** An approver's sign-off bound to one plan hash (lib/approvals owns how it is requested and granted). */
export type Approval = {
  id: string;
  status: "approved" | "pending" | "rejected" | "expired";
  planHash: string;
  approvedBy: string[];
};

/** Looks up the approval of one plan (lib/approvals' approvalForExecution in the console, a stub in tests). */
export type ApprovalLookup = (incidentId: string, stepId: string, planHash: string) => Promise<Approval | null>;

/**
 * Which steps need an approver's sign-off: the configured approval policy (lib/approvals/policy,
 * APPROVAL_POLICY; by default every destructive step).
 */
export function requiresApproval(step: Pick<StepDefinition, "id" | "risk">): boolean {
  return requiredApprovals(step) > 0;
}

/**
 * The approval that lets this exact plan run, or null. A caller that gives the executor no
 * lookup has no approvals, so steps that need one are refused: failing closed is the point.
 */
export async function approvalFor(lookup: ApprovalLookup | undefined, incidentId: string, stepId: string, planHash: string): Promise<Approval | null> {
  if (!lookup) return null;
  const a = await lookup(incidentId, stepId, planHash);
  return a && a.status === "approved" && a.planHash === planHash ? a : null;
}
