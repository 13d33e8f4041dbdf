"use server";

import { revalidatePath } from "next/cache";
import { action } from "@/lib/actions/safe-action";
import { INCIDENT_ROLES, stepParams, undoBody } from "@/lib/containment/doors";
import { undoStep } from "@/lib/containment/executor";

const schema = stepParams.extend(undoBody.shape);

/** Undoes one reversible step (release from quarantine calls this once per item, newest first). */
export const undoStepAction = action({ schema, role: INCIDENT_ROLES }, async ({ id, stepId, confirm }, { caller }) => {
  const out = await undoStep(caller, id, stepId, { confirm });
  revalidatePath(`/incidents/${id}`);
  return out;
});
