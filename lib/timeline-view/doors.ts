// The zod schemas and role requirements the lead's doors (API routes and server actions) share.
import { z } from "zod";
import type { RoleRequirement } from "@/lib/auth/roles";

/** Who may read timelines, evidence and reports: anyone working incidents (a lead is an analyst too). */
export const REVIEW_READ_ROLES: RoleRequirement = ["analyst", "approver", "lead"];
/** Who may comment on entries and mark an incident reviewed. */
export const LEAD_ROLE: RoleRequirement = "lead";
/** Who may walk the audit chain. */
export const AUDIT_ROLES: RoleRequirement = ["lead", "admin"];

const MAX_COMMENT = 2000;

export const commentBody = z.object({
  entryId: z.coerce.number().int().min(1, { message: "choose the entry you comment on" }),
  text: z.string().trim().min(1, { message: "write a comment" }).max(MAX_COMMENT),
});

export const reviewBody = z.object({ note: z.string().trim().max(MAX_COMMENT).optional() });
