import "server-only";
import { setApprovalProvider } from "@/lib/containment/approvals";
import { listSteps } from "@/lib/containment/registry";
import { approvalPolicy, unknownPolicySteps } from "./policy";
import { approvalForExecution } from "./requests";

/**
 * Wires approvals into the executor (its provider hook) and checks the policy against the real
 * step ids. Called at server start (instrumentation.ts) and by tests. A policy naming a step that
 * does not exist stops the start: a typo there would silently drop a sign-off.
 */
export function installApprovals(): void {
  const unknown = unknownPolicySteps(approvalPolicy(), listSteps().map((s) => s.id));
  if (unknown.length > 0) {
    throw new Error(`APPROVAL_POLICY names unknown step ids: ${unknown.join(", ")} (known: ${listSteps().map((s) => s.id).join(", ")})`);
  }
  setApprovalProvider(approvalForExecution);
}

/** installApprovals for the server start: a bad policy is reported and the process exits, as with any invalid configuration. */
export function installApprovalsOrExit(): void {
  try {
    installApprovals();
  } catch (e) {
    console.error(`Invalid Airlock configuration:\n  - ${(e as Error).message}`);
    process.exit(1);
  }
}
