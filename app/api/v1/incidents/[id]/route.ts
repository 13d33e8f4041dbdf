import { containmentBoard } from "@/lib/containment/board";
import { incidentDetail } from "@/lib/containment/detail";
import { INCIDENT_ROLES, incidentParams } from "@/lib/containment/doors";
import { route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

export const GET = route({ role: INCIDENT_ROLES, params: incidentParams }, async (_req, { params }) => {
  const [detail, containment] = await Promise.all([incidentDetail(params.id), containmentBoard(params.id)]);
  return { ...detail, containment };
});
