import { INCIDENT_ROLES, stepParams } from "@/lib/containment/doors";
import { planUndo } from "@/lib/containment/executor";
import { route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

/** The undo (release) plan of the step's latest run: what it restores, its hash, whether it needs approval. */
export const POST = route({ role: INCIDENT_ROLES, params: stepParams }, async (_req, { caller, params }) => planUndo(caller, params.id, params.stepId));
