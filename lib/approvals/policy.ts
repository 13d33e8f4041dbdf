import "server-only";
import type { StageId } from "@/lib/containment/types";
import { approvalsRequired, undoApprovalsRequired, type ApprovalPolicy, type PolicyRisk } from "./policy-schema";
import { approvalSettings } from "./settings";

export { approvalsRequired, DEFAULT_POLICY, parseApprovalPolicy, MAX_APPROVALS, type ApprovalPolicy } from "./policy-schema";

/** The configured policy (validated when the configuration loaded). */
export function approvalPolicy(): ApprovalPolicy {
  return approvalSettings().policy;
}

/** Approvers this step needs under the configured policy (at the risk its plan raised it to, if any); 0 when it needs none. */
export function requiredApprovals(step: { id: string; risk: PolicyRisk }, planRisk?: PolicyRisk): number {
  return approvalsRequired(approvalPolicy(), step, planRisk);
}

/** Approvers undoing (releasing) this step needs under the configured policy; 0 when it needs none. */
export function requiredUndoApprovals(step: { id: string; stage: StageId }): number {
  return undoApprovalsRequired(approvalPolicy(), step);
}

/** Whether an approval is used up by the run it let through (APPROVAL_SINGLE_USE, default true). */
export function singleUseApprovals(): boolean {
  return approvalSettings().singleUse;
}

/** Namespaces where every step counts as destructive: kube-system and PROTECTED_NAMESPACES. */
export function protectedNamespaces(): string[] {
  return approvalSettings().protectedNamespaces;
}

/** Step ids the policy names that no step has: a typo there would silently drop a sign-off. */
export function unknownPolicySteps(policy: ApprovalPolicy, knownIds: readonly string[]): string[] {
  return [...Object.keys(policy.steps), ...Object.keys(policy.undo.steps)].filter((id) => !knownIds.includes(id));
}

export function ttlMs(): number {
  return approvalSettings().ttlMinutes * 60_000;
}
