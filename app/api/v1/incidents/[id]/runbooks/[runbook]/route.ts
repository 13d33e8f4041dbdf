import { INCIDENT_ROLES, runbookParams, runbookProgressQuery } from "@/lib/containment/doors";
import { runbookProgress } from "@/lib/containment/runbooks/engine";
import { route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

/** Each of the runbook's steps' latest run (since `since`): what the wizard shows while the runbook runs. */
export const GET = route({ role: INCIDENT_ROLES, params: runbookParams, schema: runbookProgressQuery }, async (_req, { params, input }) => ({
  steps: await runbookProgress(params.id, params.runbook, input.since),
}));
