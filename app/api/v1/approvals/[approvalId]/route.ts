import { approvalIdParams, READ_ROLES } from "@/lib/approvals/doors";
import { getApproval } from "@/lib/approvals/requests";
import { route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

export const GET = route({ role: READ_ROLES, params: approvalIdParams }, async (_req, { caller, params }) => getApproval(params.approvalId, caller.email));
