import { jsonResponse, pathParam, ref, standardErrors } from "../common";
import type { OpenApiFragment } from "../types";

const tags = ["approvals"];
const id = pathParam("id", "Incident id", "^[A-Za-z0-9-]+$");
const stepId = pathParam("stepId", "Containment step id, e.g. delete-pod", "^[a-z][a-z0-9-]{0,63}$");
const approvalId = pathParam("approvalId", "Approval request id (UUID)", "^[0-9a-f-]{36}$");
const err = (description: string) => jsonResponse(description, ref("Error"));
const bad = { $ref: "#/components/responses/BadRequest" };
const notFound = { $ref: "#/components/responses/NotFound" };
const body = (schema: unknown) => ({ required: true, content: { "application/json": { schema } } });
const obj = (properties: Record<string, unknown>, required: string[] = []) => ({ type: "object", properties, ...(required.length ? { required } : {}) });
const status = {
  enum: ["pending", "approved", "rejected", "expired", "used"],
  description: "used: a single-use approval (APPROVAL_SINGLE_USE, default) that let its one run through",
};

const schemas = {
  ApprovalDecision: obj(
    {
      approver: { type: "string" },
      role: { type: ["string", "null"] },
      decision: { enum: ["approve", "reject"] },
      comment: { type: "string" },
      at: { type: "string", format: "date-time" },
    },
    ["approver", "decision", "comment", "at"],
  ),
  Approval: obj(
    {
      id: { type: "string" },
      incidentId: { type: "string" },
      incident: {
        type: ["object", "null"],
        properties: {
          title: { type: "string" },
          severity: { type: "string" },
          cluster: { type: "string" },
          namespace: { type: "string" },
          pod: { type: "string" },
        },
      },
      stepId: { type: "string" },
      stepTitle: { type: "string" },
      operation: { enum: ["execute", "undo"], description: "Sign-off for executing the step, or for undoing (releasing) its latest run" },
      planHash: { type: "string", description: "The plan this approval is for; execution of any other plan is refused" },
      plan: { ...ref("StepPlan"), description: "The plan exactly as the approver reviewed it (an UndoPlan for operation undo), with its risk and riskReasons" },
      params: { type: "object", description: "The step's parameters as its own schema parsed them (never the raw body)" },
      reason: { type: "string" },
      requestedBy: { type: "string" },
      requestedRole: { type: ["string", "null"] },
      requestedAt: { type: "string", format: "date-time" },
      expiresAt: { type: "string", format: "date-time", description: "Pending: when the request lapses. Approved: until when the approval may be used." },
      requiredApprovals: { type: "integer", minimum: 1, maximum: 2 },
      status,
      decidedAt: { type: ["string", "null"], format: "date-time" },
      decisions: { type: "array", items: ref("ApprovalDecision") },
    },
    ["id", "incidentId", "stepId", "planHash", "plan", "reason", "requestedBy", "requestedAt", "expiresAt", "requiredApprovals", "status", "decisions"],
  ),
};

const decide = (verb: "approve" | "reject") => ({
  post: {
    tags,
    summary: verb === "approve" ? "Approve a request (approver; never one's own)" : "Reject a request with a comment (approver; never one's own)",
    description:
      verb === "approve"
        ? "With two approvals required the request stays pending until a second, different approver approves. The approval is valid for APPROVAL_TTL_MINUTES from the final approval."
        : "The comment is required. A rejected plan cannot be executed; the analyst may request again.",
    parameters: [approvalId],
    requestBody: body(obj({ comment: { type: "string", maxLength: 2000 } }, verb === "reject" ? ["comment"] : [])),
    responses: {
      "200": jsonResponse("The request after the decision", ref("Approval")),
      "400": bad,
      "403": err("Not an approver, or the caller requested this approval (reason: self-approval)"),
      "404": notFound,
      "409": err("Already decided, already approved by this approver, or expired (reason: already-decided | approval-expired)"),
      "401": standardErrors["401"],
      "500": standardErrors["500"],
    },
  },
});

export const approvalsApi: OpenApiFragment = {
  tags: [{ name: "approvals", description: "Approver sign-off bound to a step's plan hash (docs/approvals.md)" }],
  schemas,
  paths: {
    "/api/v1/incidents/{id}/steps/{stepId}/approvals": {
      post: {
        tags,
        summary: "Request approval for the reviewed plan of a step (analyst and up)",
        description:
          "The step (or with operation undo, its undo plan) is planned again live; a planHash that is not the current plan is refused with 409 (reason: plan-changed). params are validated by the step's own schema first: a bad value or an unknown key is a 400 naming the field, and only the parsed params are stored. The stored request carries the plan as the approver will see it. With single-use approvals (default) an approval lets one run; a used one needs a new request.",
        parameters: [id, stepId],
        requestBody: body(
          obj(
            {
              planHash: { type: "string", pattern: "^[0-9a-f]{64}$" },
              reason: { type: "string", minLength: 3, maxLength: 2000 },
              params: { type: "object", description: "The step parameters the plan was made with (execute only)" },
              operation: { enum: ["execute", "undo"], default: "execute", description: "undo: sign-off for the undo plan of POST …/undo/plan" },
            },
            ["planHash", "reason"],
          ),
        ),
        responses: {
          "201": jsonResponse("The pending request", ref("Approval")),
          "400": bad,
          "404": notFound,
          "409": err("Plan changed, blocked, not gated by the policy, or a request for this plan is already pending or approved"),
          ...standardErrors,
        },
      },
      get: {
        tags,
        summary: "This step's approval requests, newest first",
        parameters: [id, stepId],
        responses: { "200": jsonResponse("Requests", obj({ items: { type: "array", items: ref("Approval") } })), "404": notFound, ...standardErrors },
      },
    },
    "/api/v1/approvals": {
      get: {
        tags,
        summary: "Approval requests across incidents, newest first (approver or lead)",
        parameters: [
          { name: "status", in: "query", schema: status },
          { name: "limit", in: "query", schema: { type: "integer", minimum: 1, maximum: 500 } },
        ],
        responses: { "200": jsonResponse("Requests", obj({ items: { type: "array", items: ref("Approval") } })), "400": bad, ...standardErrors },
      },
    },
    "/api/v1/approvals/{approvalId}": {
      get: {
        tags,
        summary: "One approval request with its decisions",
        parameters: [approvalId],
        responses: { "200": jsonResponse("The request", ref("Approval")), "400": bad, "404": notFound, ...standardErrors },
      },
    },
    "/api/v1/approvals/{approvalId}/approve": decide("approve"),
    "/api/v1/approvals/{approvalId}/reject": decide("reject"),
  },
};
