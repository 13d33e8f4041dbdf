import { INCIDENT_ROLES, runbookParams, runbookPlanBody } from "@/lib/containment/doors";
import { planRunbook } from "@/lib/containment/runbooks/engine";
import { route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

/** The combined plan of every step of the runbook, sealed with one hash. */
export const POST = route({ role: INCIDENT_ROLES, params: runbookParams, schema: runbookPlanBody }, async (_req, { caller, params, input }) =>
  planRunbook(caller, params.id, params.runbook, input.params),
);
