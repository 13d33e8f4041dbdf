import { incidentParams } from "@/lib/containment/doors";
import { route } from "@/lib/http/route";
import { addComment, listComments } from "@/lib/timeline-view/comments";
import { commentBody, LEAD_ROLE, REVIEW_READ_ROLES } from "@/lib/timeline-view/doors";

export const dynamic = "force-dynamic";

export const GET = route({ role: REVIEW_READ_ROLES, params: incidentParams }, async (_req, { params }) => ({
  items: await listComments(params.id),
}));

export const POST = route({ role: LEAD_ROLE, params: incidentParams, schema: commentBody }, async (_req, { caller, params, input }) =>
  Response.json(await addComment(caller, params.id, input), { status: 201 }),
);
