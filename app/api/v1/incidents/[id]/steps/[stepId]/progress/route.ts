import { stepProgress } from "@/lib/containment/detail";
import { INCIDENT_ROLES, progressQuery, stepParams } from "@/lib/containment/doors";
import { route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

/** Poll with ?afterId=<last line id> while a long step (drain) runs. */
export const GET = route({ role: INCIDENT_ROLES, params: stepParams, schema: progressQuery }, async (_req, { params, input }) =>
  stepProgress(params.id, params.stepId, input.afterId),
);
