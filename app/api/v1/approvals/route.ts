import { INBOX_ROLES, listQuery } from "@/lib/approvals/doors";
import { listApprovals } from "@/lib/approvals/requests";
import { route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

/** Requests across incidents, newest first; ?status=pending is the approver's inbox. */
export const GET = route({ role: INBOX_ROLES, schema: listQuery }, async (_req, { input }) => ({
  items: await listApprovals(input),
}));
