"use server";

import { revalidatePath } from "next/cache";
import { action } from "@/lib/actions/safe-action";
import { incidentParams } from "@/lib/containment/doors";
import { addComment } from "@/lib/timeline-view/comments";
import { commentBody, LEAD_ROLE } from "@/lib/timeline-view/doors";

const schema = incidentParams.extend(commentBody.shape);

/** A lead comments on one timeline entry of an incident. */
export const addCommentAction = action({ schema, role: LEAD_ROLE }, async ({ id, entryId, text }, { caller }) => {
  const entry = await addComment(caller, id, { entryId, text });
  revalidatePath(`/incidents/${id}`);
  revalidatePath("/timeline");
  return { entryId: entry.id };
});
