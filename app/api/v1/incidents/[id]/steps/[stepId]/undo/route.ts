import { CONSOLE_GATES } from "@/lib/approvals/install";
import { EXECUTE_ROLES, stepParams, undoBody } from "@/lib/containment/doors";
import { undoStep } from "@/lib/containment/executor";
import { route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

/** Undoes the latest run with the reviewed undo plan (planHash from …/undo/plan): 409 changed plan, 400 confirmation, 403 role or missing approval. */
export const POST = route({ role: EXECUTE_ROLES, params: stepParams, schema: undoBody }, async (_req, { caller, params, input }) =>
  undoStep(caller, params.id, params.stepId, input, CONSOLE_GATES),
);
