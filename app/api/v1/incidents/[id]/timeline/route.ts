import { incidentTimeline } from "@/lib/containment/detail";
import { INCIDENT_ROLES, incidentParams, timelineQuery } from "@/lib/containment/doors";
import { route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

export const GET = route({ role: INCIDENT_ROLES, params: incidentParams, schema: timelineQuery }, async (_req, { params, input }) => ({
  items: await incidentTimeline(params.id, input),
}));
