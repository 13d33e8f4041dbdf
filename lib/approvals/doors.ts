// The zod schemas and role requirements both doors (route handlers and server actions) share.
import { z } from "zod";
import type { RoleRequirement } from "@/lib/auth/roles";
import { planHashField } from "@/lib/containment/doors";
import { APPROVAL_STATUSES } from "./types";

/** Who may ask for a sign-off: anyone who may work an incident ("analyst+"). */
export const REQUEST_ROLES: RoleRequirement = ["analyst", "approver"];
/** Who may decide: approvers only (and never on their own request: the service checks that). */
export const DECIDE_ROLES: RoleRequirement = "approver";
/** Who reads the inbox across incidents. */
export const INBOX_ROLES: RoleRequirement = ["approver", "lead"];
/** Who may read one request or a step's requests (the analyst who asked must see the answer). */
export const READ_ROLES: RoleRequirement = ["analyst", "approver", "lead"];

const MIN_REASON = 3;
export const MIN_REJECT_COMMENT = 3;

export const approvalIdParams = z.object({
  approvalId: z.string().regex(/^[0-9a-f-]{36}$/, { message: "not an approval id" }),
});

export const requestBody = z.object({
  planHash: planHashField("the planHash of the plan you reviewed"),
  reason: z
    .string()
    .trim()
    .min(MIN_REASON, { message: `say why this step is needed (at least ${MIN_REASON} characters)` })
    .max(2000),
  params: z.record(z.string(), z.unknown()).optional(),
  /** Sign-off for executing the step (default) or for undoing its latest run (release). */
  operation: z.enum(["execute", "undo"]).optional(),
});

export const decideBody = z.object({ comment: z.string().trim().max(2000).default("") });

export const listQuery = z.object({
  status: z.enum(APPROVAL_STATUSES).optional(),
  limit: z.coerce.number().int().min(1).max(500).optional(),
});
