// The zod schemas and role requirements both doors (route handlers and server actions) share.
import { z } from "zod";
import type { RoleRequirement } from "@/lib/auth/roles";
import { RUNBOOK_IDS } from "./runbooks/definitions";

/**
 * Who may use incidents at all ("analyst+"): open them and read their plans. An approver reads the
 * plan (or undo plan) it may be asked to sign off, so the plan doors admit it; planning only reads.
 */
export const INCIDENT_ROLES: RoleRequirement = ["analyst", "approver"];

/**
 * Who may run or undo a step or a runbook: analysts (a lead holds analyst). An approver signs off
 * and does not run what it approved, so it is refused at the door, before any validation or API
 * call; the executor still checks each step's own role.
 */
export const EXECUTE_ROLES: RoleRequirement = "analyst";

/** What the console says where a caller without EXECUTE_ROLES would otherwise see a button the door refuses. */
export const RUN_NEEDS_ANALYST = "Your role reads plans and signs them off; running or undoing a step needs the analyst role.";

/** Opening an incident is the analyst's job (leads hold analyst too); approvers review and sign off. */
export const OPEN_INCIDENT_ROLE: RoleRequirement = "analyst";

const stepId = z.string().regex(/^[a-z][a-z0-9-]{0,63}$/, { message: "not a step id" });
const incidentId = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9-]+$/, { message: "not an incident id" });

export const incidentParams = z.object({ id: incidentId });
export const stepParams = z.object({ id: incidentId, stepId });

const stepParamsObject = z.record(z.string(), z.unknown());

export const planBody = z.object({ params: stepParamsObject.optional() });

/** A reviewed plan's hash (64 hex, sha256), with the message that says which plan; both doors and approvals use it. */
export const planHashField = (message: string) => z.string().regex(/^[0-9a-f]{64}$/, { message });

const planHash = planHashField("the planHash of the plan you reviewed");

export const executeBody = z.object({
  planHash,
  confirm: z.string().max(253).optional(),
  params: stepParamsObject.optional(),
  overrideReason: z.string().max(2000).optional(),
});

/** Undo carries the hash of the undo plan it reviewed (POST …/undo/plan), as execute carries its plan's. */
export const undoBody = z.object({
  planHash: planHashField("the planHash of the undo plan you reviewed (POST …/undo/plan)"),
  confirm: z.string().max(253).optional(),
});

export const timelineQuery = z.object({
  afterId: z.coerce.number().int().min(0).optional(),
  limit: z.coerce.number().int().min(1).max(5000).optional(),
});

export const progressQuery = z.object({ afterId: z.coerce.number().int().min(0).optional() });

export const listQuery = z.object({
  limit: z.coerce.number().int().min(1).max(500).optional(),
  status: z.enum(["open", "contained", "released", "closed"]).optional(),
});

const runbookId = z.enum(RUNBOOK_IDS, { message: `not a runbook (${RUNBOOK_IDS.join(", ")})` });
export const runbookParams = z.object({ id: incidentId, runbook: runbookId });

/** Each step's params keyed by its id, e.g. {"firewall-isolate": {"sshSourceRange": "203.0.113.7/32"}}. */
const runbookStepParams = z.record(stepId, stepParamsObject);

export const runbookPlanBody = z.object({ params: runbookStepParams.optional() });

export const runbookExecuteBody = z.object({
  planHash: planHashField("the planHash of the runbook plan you reviewed"),
  confirm: z.string().max(253).optional(),
  params: runbookStepParams.optional(),
});

export const runbookProgressQuery = z.object({ since: z.iso.datetime({ message: "an ISO 8601 time" }).optional() });
