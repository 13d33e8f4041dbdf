"use server";

import { action } from "@/lib/actions/safe-action";
import { INCIDENT_ROLES, planBody, stepParams } from "@/lib/containment/doors";
import { planStep } from "@/lib/containment/executor";
import type { PlanView } from "@/lib/containment/types";

const schema = stepParams.extend(planBody.shape);

/** Plans a step for review: the wizard shows its changes, commands and warnings, and keeps planHash for execute. */
export const planStepAction = action({ schema, role: INCIDENT_ROLES }, async (input, { caller }): Promise<PlanView> =>
  planStep(caller, input.id, input.stepId, input.params),
);
