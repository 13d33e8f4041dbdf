"use server";

import { revalidatePath } from "next/cache";
import { action } from "@/lib/actions/safe-action";
import { approvalIdParams, DECIDE_ROLES, decideBody } from "@/lib/approvals/doors";
import { decideApproval } from "@/lib/approvals/requests";

const schema = approvalIdParams.extend(decideBody.shape);

/** Approves a request (never one's own); with two approvals required it stays pending until a second approver agrees. */
export const approveAction = action({ schema, role: DECIDE_ROLES }, async ({ approvalId, comment }, { caller }) => {
  const out = await decideApproval(caller, approvalId, "approve", comment);
  revalidatePath("/approvals");
  return out;
});
