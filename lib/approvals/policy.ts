import "server-only";
import { approvalsRequired, type ApprovalPolicy, type PolicyRisk } from "./policy-schema";
import { approvalSettings } from "./settings";

export { approvalsRequired, DEFAULT_POLICY, parseApprovalPolicy, MAX_APPROVALS, type ApprovalPolicy } from "./policy-schema";

/** The configured policy (validated when the configuration loaded). */
export function approvalPolicy(): ApprovalPolicy {
  return approvalSettings().policy;
}

/** Approvers this step needs under the configured policy; 0 when it needs none. */
export function requiredApprovals(step: { id: string; risk: PolicyRisk }): number {
  return approvalsRequired(approvalPolicy(), step);
}

/** Step ids the policy names that no step has: a typo there would silently drop a sign-off. */
export function unknownPolicySteps(policy: ApprovalPolicy, knownIds: readonly string[]): string[] {
  return Object.keys(policy.steps).filter((id) => !knownIds.includes(id));
}

export function ttlMs(): number {
  return approvalSettings().ttlMinutes * 60_000;
}
