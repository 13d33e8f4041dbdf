import { INCIDENT_ROLES, stepParams, undoBody } from "@/lib/containment/doors";
import { undoStep } from "@/lib/containment/executor";
import { route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

export const POST = route({ role: INCIDENT_ROLES, params: stepParams, schema: undoBody }, async (_req, { caller, params, input }) =>
  undoStep(caller, params.id, params.stepId, input),
);
