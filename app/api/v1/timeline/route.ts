import { route } from "@/lib/http/route";
import { getDb } from "@/lib/store";
import { REVIEW_READ_ROLES } from "@/lib/timeline-view/doors";
import { queryTimeline, timelineFilters } from "@/lib/timeline-view/query";

export const dynamic = "force-dynamic";

/** Entries across incidents, newest first, filtered by incident, actor, step, kind, outcome and time; page with `before=<next>`. */
export const GET = route({ role: REVIEW_READ_ROLES, schema: timelineFilters }, async (_req, { input }) => queryTimeline(await getDb(), input));
