"use server";

import { revalidatePath } from "next/cache";
import { action } from "@/lib/actions/safe-action";
import { REQUEST_ROLES, requestBody } from "@/lib/approvals/doors";
import { requestApproval } from "@/lib/approvals/requests";
import { stepParams } from "@/lib/containment/doors";

const schema = stepParams.extend(requestBody.shape);

/** Asks an approver to sign off the plan the analyst reviewed (its planHash), with a reason. */
export const requestApprovalAction = action({ schema, role: REQUEST_ROLES }, async ({ id, stepId, ...input }, { caller }) => {
  const out = await requestApproval(caller, id, stepId, input);
  revalidatePath("/approvals");
  return out;
});
