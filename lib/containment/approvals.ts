import "server-only";
import { requiredApprovals } from "@/lib/approvals/policy";
import type { StepDefinition } from "./types";

/** An approver's sign-off bound to one plan hash (issue 5 owns how it is requested and granted). */
export type Approval = {
  id: string;
  status: "approved" | "pending" | "rejected" | "expired";
  planHash: string;
  approvedBy: string[];
};

export type ApprovalProvider = (incidentId: string, stepId: string, planHash: string) => Promise<Approval | null>;

/**
 * Which steps need an approver's sign-off: the configured approval policy (lib/approvals/policy,
 * APPROVAL_POLICY; by default every destructive step).
 */
export function requiresApproval(step: Pick<StepDefinition, "id" | "risk">): boolean {
  return requiredApprovals(step) > 0;
}

const PROVIDER = Symbol.for("airlock.containment.approvalProvider");
type Holder = { [PROVIDER]?: ApprovalProvider };

/** Installs the approvals module's lookup (issue 5), or a test's; undefined restores "no approvals exist". */
export function setApprovalProvider(provider: ApprovalProvider | undefined): void {
  if (provider) (globalThis as Holder)[PROVIDER] = provider;
  else delete (globalThis as Holder)[PROVIDER];
}

/**
 * The approval that lets this exact plan run, or null. Until the approvals module installs a
 * provider there are none, so destructive steps are refused: failing closed is the point.
 */
export async function approvalFor(incidentId: string, stepId: string, planHash: string): Promise<Approval | null> {
  const provider = (globalThis as Holder)[PROVIDER];
  if (!provider) return null;
  const a = await provider(incidentId, stepId, planHash);
  return a && a.status === "approved" && a.planHash === planHash ? a : null;
}
