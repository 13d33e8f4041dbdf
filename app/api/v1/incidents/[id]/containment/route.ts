import { containmentBoard } from "@/lib/containment/board";
import { INCIDENT_ROLES, incidentParams } from "@/lib/containment/doors";
import { route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

// The board alone, for the incident page to poll: the detail route also runs the whole preflight.
export const GET = route({ role: INCIDENT_ROLES, params: incidentParams }, async (_req, { params }) => containmentBoard(params.id));
