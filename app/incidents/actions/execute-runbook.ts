"use server";

import { revalidatePath } from "next/cache";
import { action } from "@/lib/actions/safe-action";
import { CONSOLE_GATES } from "@/lib/approvals/install";
import { EXECUTE_ROLES, runbookExecuteBody, runbookParams } from "@/lib/containment/doors";
import { executeRunbook, type RunbookResult } from "@/lib/containment/runbooks/engine";

const schema = runbookParams.extend(runbookExecuteBody.shape);

/**
 * Runs the reviewed runbook. A stop (failed step, awaiting approval, not contained) is a result,
 * not an error: the wizard shows where it stopped and why, step by step.
 */
export const executeRunbookAction = action({ schema, role: EXECUTE_ROLES }, async ({ id, runbook, ...input }, { caller }): Promise<RunbookResult> => {
  const out = await executeRunbook(caller, id, runbook, input, CONSOLE_GATES);
  revalidatePath(`/incidents/${id}`);
  return out;
});
