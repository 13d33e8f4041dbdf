import { INCIDENT_ROLES, incidentParams } from "@/lib/containment/doors";
import { releaseCard } from "@/lib/containment/release";
import { route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

/**
 * The reversible steps still in force, newest first: undo them one by one with
 * .../steps/{stepId}/undo; and `byHand`, what release cannot undo and a person must finish.
 */
export const GET = route({ role: INCIDENT_ROLES, params: incidentParams }, async (_req, { params }) => releaseCard(params.id));
