import { incidentParams } from "@/lib/containment/doors";
import { route } from "@/lib/http/route";
import { LEAD_ROLE, REVIEW_READ_ROLES, reviewBody } from "@/lib/timeline-view/doors";
import { getReview, markReviewed } from "@/lib/timeline-view/review";

export const dynamic = "force-dynamic";

export const GET = route({ role: REVIEW_READ_ROLES, params: incidentParams }, async (_req, { params }) => {
  const review = await getReview(params.id);
  return { reviewed: review !== null, review };
});

export const POST = route({ role: LEAD_ROLE, params: incidentParams, schema: reviewBody }, async (_req, { caller, params, input }) =>
  Response.json({ reviewed: true, review: await markReviewed(caller, params.id, input) }, { status: 201 }),
);
