import { incidentDetail } from "@/lib/containment/detail";
import { INCIDENT_ROLES, incidentParams } from "@/lib/containment/doors";
import { route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

export const GET = route({ role: INCIDENT_ROLES, params: incidentParams }, async (_req, { params }) => incidentDetail(params.id));
