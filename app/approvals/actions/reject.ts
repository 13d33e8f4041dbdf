"use server";

import { revalidatePath } from "next/cache";
import { action } from "@/lib/actions/safe-action";
import { approvalIdParams, DECIDE_ROLES, decideBody } from "@/lib/approvals/doors";
import { decideApproval } from "@/lib/approvals/requests";

const schema = approvalIdParams.extend(decideBody.shape);

/** Rejects a request with a comment saying why; a rejected plan cannot be executed. */
export const rejectAction = action({ schema, role: DECIDE_ROLES }, async ({ approvalId, comment }, { caller }) => {
  const out = await decideApproval(caller, approvalId, "reject", comment);
  revalidatePath("/approvals");
  return out;
});
