import { approvalIdParams, DECIDE_ROLES, decideBody } from "@/lib/approvals/doors";
import { decideApproval } from "@/lib/approvals/requests";
import { route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

/** Needs a comment; 403 without the approver role or on one's own request; 409 when already decided or expired. */
export const POST = route({ role: DECIDE_ROLES, params: approvalIdParams, schema: decideBody }, async (_req, { caller, params, input }) =>
  decideApproval(caller, params.approvalId, "reject", input.comment),
);
