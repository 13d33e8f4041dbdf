import "server-only";

export { queryTimeline, timelineFilters, type TimelineFilters, type TimelinePage, type TimelineViewEntry } from "./query";
export { addComment, listComments, COMMENT_KIND } from "./comments";
export { markReviewed, getReview, reviewOf, REVIEWED_KIND, type Review } from "./review";
export { OUTCOMES, outcomeOf, messageOf, type Outcome } from "./outcome";
