import { INCIDENT_ROLES, planBody, stepParams } from "@/lib/containment/doors";
import { planStep } from "@/lib/containment/executor";
import { route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

export const POST = route({ role: INCIDENT_ROLES, params: stepParams, schema: planBody }, async (_req, { caller, params, input }) =>
  planStep(caller, params.id, params.stepId, input.params),
);
