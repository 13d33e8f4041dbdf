import { CONSOLE_GATES } from "@/lib/approvals/install";
import { EXECUTE_ROLES, runbookExecuteBody, runbookParams } from "@/lib/containment/doors";
import { executeRunbook, runbookStatus } from "@/lib/containment/runbooks/engine";
import { route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

/**
 * Runs the reviewed runbook in one call. 200 only when every step ran and holds; a stop answers
 * the error shape (502 step-failed, 403 approval-required, 409 not-contained) with the runbook's
 * per-step result beside it. Refusals before any step runs: 409 plan-changed or blocked, 400
 * confirmation, 403 role.
 */
export const POST = route({ role: EXECUTE_ROLES, params: runbookParams, schema: runbookExecuteBody }, async (_req, { caller, params, input }) => {
  const result = await executeRunbook(caller, params.id, params.runbook, input, CONSOLE_GATES);
  const { status, reason } = runbookStatus(result);
  if (status === 200) return result;
  return Response.json({ error: { code: status, message: result.message, reason }, runbook: result }, { status });
});
