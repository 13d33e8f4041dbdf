import { jsonResponse, pathParam, ref, standardErrors } from "../common";
import type { OpenApiFragment } from "../types";

const id = pathParam("id", "Incident id", "^[A-Za-z0-9-]+$");
const artifactId = pathParam("artifactId", "Artifact id (uuid)");
const err = (description: string) => jsonResponse(description, ref("Error"));
const bad = { $ref: "#/components/responses/BadRequest" };
const notFound = { $ref: "#/components/responses/NotFound" };
const body = (schema: unknown) => ({ required: true, content: { "application/json": { schema } } });
const obj = (properties: Record<string, unknown>, required: string[] = []) => ({ type: "object", properties, ...(required.length ? { required } : {}) });
const tags = ["review"];
const q = (name: string, schema: Record<string, unknown>, description?: string) => ({ name, in: "query", schema, ...(description ? { description } : {}) });

const schemas = {
  EvidenceArtifact: obj(
    {
      id: { type: "string" },
      incidentId: { type: "string" },
      stepId: { type: "string" },
      runId: { type: ["string", "null"] },
      name: { type: "string" },
      contentType: { type: "string" },
      sha256: { type: "string", description: "Recomputed when stored and again on every download" },
      size: { type: "integer" },
      source: { type: "string", description: "The API request it was read from" },
      collectedAt: { type: "string", format: "date-time" },
      storedAt: { type: "string", format: "date-time" },
      storedBy: { type: "string" },
      storage: { enum: ["fs", "gcs"] },
      entryId: { type: "integer", description: "The evidence-stored timeline entry" },
    },
    ["id", "name", "sha256", "size", "source", "collectedAt"],
  ),
  EvidenceSnapshot: obj({
    snapshot: { type: "string" },
    sourceDisk: { type: "string" },
    disk: { type: ["string", "null"] },
    zone: { type: ["string", "null"] },
    project: { type: ["string", "null"] },
    status: { type: ["string", "null"] },
    takenAt: { type: "string", format: "date-time" },
    takenBy: { type: "string" },
  }),
  AuditStatus: obj(
    {
      ok: { type: "boolean" },
      checkedAt: { type: "string", format: "date-time" },
      checked: { type: "integer", description: "Timeline entries checked, up to and including the first bad one" },
      head: obj({ id: { type: "integer" }, hash: { type: "string" } }),
      anchored: { type: "boolean", description: "Whether an audit key is configured: checkpoints are checked" },
      checkpoint: {
        oneOf: [
          obj({ seq: { type: "integer" }, at: { type: "string", format: "date-time" }, reason: { type: "string" }, keyId: { type: "string" } }),
          { type: "null" },
        ],
      },
      rowsChecked: { type: "integer", description: "Approvals, step runs and evidence records compared with the entries covering them" },
      firstBad: obj({
        id: { type: ["integer", "null"], description: "The first bad entry (null: a row no entry covers)" },
        reason: {
          enum: ["edited", "removed", "reordered", "bad-link", "truncated", "checkpoint-forged", "unanchored", "row-changed", "row-removed", "row-unrecorded"],
        },
        row: { type: "string", description: "<table>/<id> of the row, for row-* reasons" },
        detail: { type: "string" },
      }),
    },
    ["ok", "checked", "anchored", "rowsChecked"],
  ),
  Review: obj({
    incidentId: { type: "string" },
    reviewedBy: { type: "string" },
    reviewedAt: { type: "string", format: "date-time" },
    entryId: { type: "integer" },
    note: { type: "string" },
  }),
  IncidentReport: obj(
    {
      format: { const: "airlock-incident-report/v1" },
      generatedAt: { type: "string", format: "date-time" },
      generatedBy: { type: "string" },
      incident: { type: "object" },
      summary: { type: "object" },
      targets: ref("IncidentTargets"),
      alerts: { type: "array", items: ref("Alert"), description: "The alerts the incident keeps, earliest first" },
      timeline: { type: "array", items: { type: "object" } },
      approvals: { type: "array", items: { type: "object" } },
      commands: {
        type: "array",
        items: obj({
          entryId: { type: "integer" },
          stepId: { type: "string" },
          operation: { type: "string" },
          commands: { type: "array", items: { type: "string" } },
        }),
      },
      evidence: obj({ artifacts: { type: "array", items: ref("EvidenceArtifact") }, snapshots: { type: "array", items: ref("EvidenceSnapshot") } }),
      liveState: {
        type: "array",
        description: "Every step executed and not undone, verified live when the report was built",
        items: obj({ stepId: { type: "string" }, title: { type: "string" }, holds: { type: "boolean" }, message: { type: "string" } }),
      },
      containment: {
        $ref: "#/components/schemas/ContainmentBoard",
        description: "The containment board read live at report time, with the recorded time-to-contain",
      },
      auditChain: ref("AuditStatus"),
      review: { oneOf: [ref("Review"), { type: "null" }] },
    },
    ["format", "incident", "timeline", "commands", "evidence", "liveState", "auditChain"],
  ),
};

export const reviewApi: OpenApiFragment = {
  tags: [{ name: "review", description: "The lead's view: timeline across incidents, comments, reviewed, evidence, report, audit verification" }],
  schemas,
  paths: {
    "/api/v1/timeline": {
      get: {
        tags,
        summary: "Timeline entries across incidents, newest first, filtered on the server",
        parameters: [
          q("incidentId", { type: "string" }),
          q("actor", { type: "string" }, "Exact actor (email)"),
          q("stepId", { type: "string" }),
          q("kind", { type: "string" }, "e.g. intent, result, verify, comment, evidence-stored, incident-reviewed"),
          q("outcome", { enum: ["success", "noop", "failure", "holds", "not-holding", "blocked"] }),
          q("from", { type: "string", format: "date-time" }, "Inclusive; a time without a zone is UTC"),
          q("to", { type: "string", format: "date-time" }, "Inclusive; a time without a zone is UTC"),
          q("before", { type: "integer", minimum: 1 }, "Paging: the `next` of the previous page"),
          q("limit", { type: "integer", minimum: 1, maximum: 500, default: 100 }),
        ],
        responses: {
          "200": jsonResponse("A page of entries", obj({ items: { type: "array", items: ref("TimelineEntry") }, next: { type: ["integer", "null"] } })),
          "400": bad,
          ...standardErrors,
        },
      },
    },
    "/api/v1/audit/verify": {
      get: {
        tags,
        summary:
          "Walk the hash chain, check it against the latest signed checkpoint and the approvals, step runs and evidence rows against it; firstBad names the first bad entry (lead or admin)",
        responses: { "200": jsonResponse("Audit status", ref("AuditStatus")), ...standardErrors },
      },
    },
    "/api/v1/incidents/{id}/comments": {
      get: {
        tags,
        summary: "Comments on the incident's entries, oldest first",
        parameters: [id],
        responses: { "200": jsonResponse("Comments", obj({ items: { type: "array", items: ref("TimelineEntry") } })), "404": notFound, ...standardErrors },
      },
      post: {
        tags,
        summary: "A lead comments on one of the incident's entries (appended as a comment entry)",
        parameters: [id],
        requestBody: body(obj({ entryId: { type: "integer" }, text: { type: "string", maxLength: 2000 } }, ["entryId", "text"])),
        responses: { "201": jsonResponse("The comment entry", ref("TimelineEntry")), "400": bad, "404": notFound, ...standardErrors },
      },
    },
    "/api/v1/incidents/{id}/review": {
      get: {
        tags,
        summary: "Whether the incident was reviewed, by whom and when",
        parameters: [id],
        responses: {
          "200": jsonResponse("Review status", obj({ reviewed: { type: "boolean" }, review: { oneOf: [ref("Review"), { type: "null" }] } })),
          "404": notFound,
          ...standardErrors,
        },
      },
      post: {
        tags,
        summary: "A lead marks the incident reviewed (an incident-reviewed entry and the flag); once only",
        parameters: [id],
        requestBody: body(obj({ note: { type: "string", maxLength: 2000 } })),
        responses: {
          "201": jsonResponse("Reviewed", obj({ reviewed: { const: true }, review: ref("Review") })),
          "404": notFound,
          "409": err("Already reviewed"),
          ...standardErrors,
        },
      },
    },
    "/api/v1/incidents/{id}/evidence": {
      get: {
        tags,
        summary: "Stored artifacts with SHA-256, size, source request and time; disk snapshots with their source disk",
        parameters: [id],
        responses: {
          "200": jsonResponse(
            "Evidence",
            obj({ artifacts: { type: "array", items: ref("EvidenceArtifact") }, snapshots: { type: "array", items: ref("EvidenceSnapshot") } }),
          ),
          "404": notFound,
          ...standardErrors,
        },
      },
    },
    "/api/v1/incidents/{id}/evidence/{artifactId}": {
      get: {
        tags,
        summary: "Download one artifact as collected; X-Content-SHA256 carries its hash (re-checked before sending)",
        parameters: [id, artifactId],
        responses: {
          "200": {
            description: "The artifact's bytes",
            headers: { "X-Content-SHA256": { schema: { type: "string" } } },
            content: { "application/octet-stream": {} },
          },
          "404": notFound,
          "409": err("The stored body no longer matches its hash"),
          "410": err("The stored body is missing"),
          ...standardErrors,
        },
      },
    },
    "/api/v1/incidents/{id}/report": {
      get: {
        tags,
        summary: "Incident report: summary, targets, timeline with approvals, commands in order, evidence, live state, audit-chain status",
        parameters: [id, q("format", { enum: ["md", "json"], default: "json" })],
        responses: {
          "200": {
            description: "The report",
            content: { "application/json": { schema: ref("IncidentReport") }, "text/markdown": { schema: { type: "string" } } },
          },
          "400": bad,
          "404": notFound,
          ...standardErrors,
        },
      },
    },
  },
};
