"use server";

import { revalidatePath } from "next/cache";
import { action } from "@/lib/actions/safe-action";
import { incidentParams } from "@/lib/containment/doors";
import { LEAD_ROLE, reviewBody } from "@/lib/timeline-view/doors";
import { markReviewed } from "@/lib/timeline-view/review";

const schema = incidentParams.extend(reviewBody.shape);

/** A lead marks an incident reviewed (a timeline entry and the incident's flag). */
export const markReviewedAction = action({ schema, role: LEAD_ROLE }, async ({ id, note }, { caller }) => {
  const review = await markReviewed(caller, id, { note });
  revalidatePath(`/incidents/${id}`);
  revalidatePath("/timeline");
  return review;
});
