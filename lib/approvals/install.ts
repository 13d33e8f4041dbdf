import "server-only";
import type { ExecuteGates } from "@/lib/containment/executor";
import { listSteps } from "@/lib/containment/registry";
import { approvalPolicy, unknownPolicySteps } from "./policy";
import { approvalForExecution, consumeApproval } from "./requests";

/** What both doors hand the executor: the approvals module's lookup, so a signed-off plan may run, and its consumer, so it runs once. */
export const CONSOLE_GATES: ExecuteGates = { approvals: approvalForExecution, consumeApproval };

/**
 * Checks the approval policy against the real step ids. Called at server start
 * (instrumentation.ts) and by tests. A policy naming a step that does not exist stops the
 * start: a typo there would silently drop a sign-off.
 */
export function installApprovals(): void {
  const unknown = unknownPolicySteps(
    approvalPolicy(),
    listSteps().map((s) => s.id),
  );
  if (unknown.length > 0) {
    throw new Error(
      `APPROVAL_POLICY names unknown step ids: ${unknown.join(", ")} (known: ${listSteps()
        .map((s) => s.id)
        .join(", ")})`,
    );
  }
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
