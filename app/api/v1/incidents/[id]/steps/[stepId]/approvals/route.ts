import { READ_ROLES, REQUEST_ROLES, requestBody } from "@/lib/approvals/doors";
import { requestApproval, stepApprovals } from "@/lib/approvals/requests";
import { stepParams } from "@/lib/containment/doors";
import { route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

/** Request sign-off for the reviewed plan: 201; 409 when planHash is not the current plan, or one is already pending. */
export const POST = route({ role: REQUEST_ROLES, params: stepParams, schema: requestBody }, async (_req, { caller, params, input }) =>
  Response.json(await requestApproval(caller, params.id, params.stepId, input), { status: 201 }),
);

/** This step's requests, newest first (the wizard shows the latest one's status). */
export const GET = route({ role: READ_ROLES, params: stepParams }, async (_req, { params }) => ({
  items: await stepApprovals(params.id, params.stepId),
}));
