import { jsonResponse, pathParam, ref, standardErrors } from "../common";
import type { OpenApiFragment } from "../types";

const id = pathParam("id", "Incident id", "^[A-Za-z0-9-]+$");
const runbook = { name: "runbook", in: "path", required: true, description: "The runbook", schema: { enum: ["isolate-pod", "isolate-node"] } };
const err = (description: string) => jsonResponse(description, ref("Error"));
const stopped = (description: string) => jsonResponse(description, ref("RunbookStop"));
const bad = { $ref: "#/components/responses/BadRequest" };
const notFound = { $ref: "#/components/responses/NotFound" };
const body = (schema: unknown) => ({ required: true, content: { "application/json": { schema } } });
const obj = (properties: Record<string, unknown>, required: string[] = []) => ({ type: "object", properties, ...(required.length ? { required } : {}) });
const tags = ["runbooks"];
const stepParams = {
  type: "object",
  description: 'Each step\'s params keyed by its id, e.g. {"firewall-isolate": {"sshSourceRange": "203.0.113.7/32"}}',
  additionalProperties: { type: "object" },
};

const stepResult = obj(
  {
    stepId: { type: "string" },
    title: { type: "string" },
    status: { enum: ["success", "noop", "failed", "awaiting-approval", "not-run"] },
    runId: { type: "string" },
    message: { type: "string" },
    verify: { type: ["object", "null"], properties: { holds: { type: "boolean" }, message: { type: "string" } } },
    ms: { type: "integer" },
  },
  ["stepId", "title", "status"],
);

const schemas = {
  RunbookPlan: obj(
    {
      runbookId: { type: "string" },
      title: { type: "string" },
      summary: { type: "string" },
      incidentId: { type: "string" },
      planHash: { type: "string", description: "sha256 over the runbook id and the ordered step plans' hashes" },
      steps: {
        type: "array",
        description: "Each step's plan (as the step plan endpoint returns it) in the order they run, with its title",
        items: { type: "object", additionalProperties: true },
      },
      blocked: { type: "string", description: "Why the runbook cannot run now (evidence missing, a step's own block or a lock no earlier step lifts)" },
      propagationSeconds: { type: ["integer", "null"], description: "The NetworkPolicy propagation window waited out before the isolation check" },
      requiresConfirmation: { type: "boolean", description: "Type the pod's name once to confirm every step" },
      needsApproval: { type: "array", items: { type: "string" }, description: "Steps the approval policy gates: the runbook stops before each until approved" },
    },
    ["runbookId", "incidentId", "planHash", "steps", "requiresConfirmation", "needsApproval"],
  ),
  RunbookRun: obj(
    {
      runbookId: { type: "string" },
      incidentId: { type: "string" },
      planHash: { type: "string" },
      state: { enum: ["contained", "not-contained", "failed", "awaiting-approval"] },
      message: { type: "string" },
      steps: { type: "array", items: stepResult },
      propagation: { type: ["object", "null"], properties: { until: { type: "string", format: "date-time" }, waitedMs: { type: "integer" } } },
      totalMs: { type: "integer" },
    },
    ["runbookId", "state", "message", "steps"],
  ),
  RunbookStop: {
    allOf: [ref("Error"), obj({ runbook: ref("RunbookRun") }, ["runbook"])],
    description: "The runbook stopped: the error says why, `runbook` where (later steps did not run)",
  },
};

/** Runbooks: a fixed order of containment steps, reviewed as one plan, confirmed once, run in one call. */
export const runbooksApi: OpenApiFragment = {
  tags: [
    { name: "runbooks", description: "isolate-pod and isolate-node: one plan, one confirmation, one call; each step still runs (and is recorded) as itself" },
  ],
  schemas,
  paths: {
    "/api/v1/incidents/{id}/runbooks/{runbook}": {
      get: {
        tags,
        summary: "Each step's latest run (since `since`): progress while the runbook runs",
        parameters: [id, runbook, { name: "since", in: "query", schema: { type: "string", format: "date-time" } }],
        responses: {
          "200": jsonResponse("Per-step status", obj({ steps: { type: "array", items: { type: "object" } } })),
          "400": bad,
          "404": notFound,
          ...standardErrors,
        },
      },
    },
    "/api/v1/incidents/{id}/runbooks/{runbook}/plan": {
      post: {
        tags,
        summary: "Plan every step of the runbook at once: changes, warnings, commands, the propagation wait and one hash",
        parameters: [id, runbook],
        requestBody: body(obj({ params: stepParams })),
        responses: {
          "200": jsonResponse("The combined plan", ref("RunbookPlan")),
          "400": bad,
          "404": notFound,
          "502": err("A step could not be planned"),
          ...standardErrors,
        },
      },
    },
    "/api/v1/incidents/{id}/runbooks/{runbook}/execute": {
      post: {
        tags,
        summary: "Run the reviewed runbook in one call",
        description:
          "Re-plans every step; a different combined hash is refused (409 plan-changed), as is a blocked runbook (409 blocked) or a wrong confirmation (400). Then runs the steps in order through the executor, waiting out the NetworkPolicy propagation window before the isolation check. 200 only when every step ran and holds; otherwise the error names the step where it stopped and `runbook` has every step's outcome.",
        parameters: [id, runbook],
        requestBody: body(
          obj({ planHash: { type: "string", pattern: "^[0-9a-f]{64}$" }, confirm: { type: "string", description: "The pod's name" }, params: stepParams }, [
            "planHash",
          ]),
        ),
        responses: {
          "200": jsonResponse("Every step ran and holds", ref("RunbookRun")),
          "400": bad,
          "403": stopped("Role too low for a step, or stopped before a step that awaits an approver's sign-off (reason approval-required)"),
          "404": notFound,
          "409": stopped("Plan changed, blocked, or every step ran but the isolation does not hold (reason not-contained)"),
          "502": stopped("A step failed; its reason, and the steps after it did not run"),
          "500": { $ref: "#/components/responses/InternalError" },
          "401": { $ref: "#/components/responses/Unauthorized" },
        },
      },
    },
  },
};
