"use server";

import { revalidatePath } from "next/cache";
import { action } from "@/lib/actions/safe-action";
import { CONSOLE_GATES } from "@/lib/approvals/install";
import { EXECUTE_ROLES, stepParams, undoBody } from "@/lib/containment/doors";
import { undoStep } from "@/lib/containment/executor";

const schema = stepParams.extend(undoBody.shape);

/** Undoes one reversible step with its reviewed undo plan (release from quarantine calls this once per item, newest first). */
export const undoStepAction = action({ schema, role: EXECUTE_ROLES }, async ({ id, stepId, ...input }, { caller }) => {
  const out = await undoStep(caller, id, stepId, input, CONSOLE_GATES);
  revalidatePath(`/incidents/${id}`);
  return out;
});
