import { incidentParams } from "@/lib/containment/doors";
import { listEvidence } from "@/lib/evidence/list";
import { route } from "@/lib/http/route";
import { REVIEW_READ_ROLES } from "@/lib/timeline-view/doors";

export const dynamic = "force-dynamic";

export const GET = route({ role: REVIEW_READ_ROLES, params: incidentParams }, async (_req, { params }) => listEvidence(params.id));
