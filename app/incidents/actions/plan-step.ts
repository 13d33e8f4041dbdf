"use server";

import { action } from "@/lib/actions/safe-action";
import { INCIDENT_ROLES, planBody, stepParams } from "@/lib/containment/doors";
import { planStep, type PlanView } from "@/lib/containment/executor";

const schema = stepParams.extend(planBody.shape);

/**
 * Plans a step for review: the wizard shows its changes, commands and warnings, and keeps planHash for execute.
 * A plan's before/after may hold client-node model instances (V1LabelSelector, Dates), which React refuses to
 * send to a client component; the JSON round trip gives the wizard exactly what the API door sends.
 */
export const planStepAction = action({ schema, role: INCIDENT_ROLES }, async (input, { caller }) =>
  JSON.parse(JSON.stringify(await planStep(caller, input.id, input.stepId, input.params))) as PlanView,
);
