import { CONSOLE_GATES } from "@/lib/approvals/install";
import { EXECUTE_ROLES, executeBody, stepParams } from "@/lib/containment/doors";
import { executeStep } from "@/lib/containment/executor";
import { route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

/** 409 stale plan or already running, 400 missing/wrong confirmation, 403 role or missing approval. */
export const POST = route({ role: EXECUTE_ROLES, params: stepParams, schema: executeBody }, async (_req, { caller, params, input }) =>
  executeStep(caller, params.id, params.stepId, input, CONSOLE_GATES),
);
