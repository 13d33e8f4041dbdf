"use server";

import { revalidatePath } from "next/cache";
import { action } from "@/lib/actions/safe-action";
import { CONSOLE_GATES } from "@/lib/approvals/install";
import { EXECUTE_ROLES, executeBody, stepParams } from "@/lib/containment/doors";
import { executeStep } from "@/lib/containment/executor";

const schema = stepParams.extend(executeBody.shape);

/** Executes the reviewed plan (planHash), with the typed confirmation where the step's risk needs one. */
export const executeStepAction = action({ schema, role: EXECUTE_ROLES }, async ({ id, stepId, ...input }, { caller }) => {
  const out = await executeStep(caller, id, stepId, input, CONSOLE_GATES);
  revalidatePath(`/incidents/${id}`);
  return out;
});
