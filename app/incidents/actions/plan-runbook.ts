"use server";

import { action } from "@/lib/actions/safe-action";
import { INCIDENT_ROLES, runbookParams, runbookPlanBody } from "@/lib/containment/doors";
import { planRunbook, type RunbookPlanView } from "@/lib/containment/runbooks/engine";

const schema = runbookParams.extend(runbookPlanBody.shape);

/** The runbook's combined plan for the wizard's "Isolate now": every step's changes and one hash. */
export const planRunbookAction = action({ schema, role: INCIDENT_ROLES }, async (input, { caller }): Promise<RunbookPlanView> =>
  planRunbook(caller, input.id, input.runbook, input.params),
);
