import { z } from "zod";
import { falcoPayload, genericAlert, pubsubPushEnvelope, sccNotification } from "@/lib/alerts/formats";
import { jsonResponse, ref } from "../common";
import type { OpenApiFragment } from "../types";

// The alert doors. Request schemas come from the zod schemas the intake validates with, so the
// document cannot drift from what is accepted.

const tags = ["alerts"];
const obj = (properties: Record<string, unknown>, required: string[] = []) => ({ type: "object", properties, ...(required.length ? { required } : {}) });
const err = (description: string) => jsonResponse(description, ref("Error"));
const input = (schema: z.ZodType) => z.toJSONSchema(schema, { io: "input", unrepresentable: "any" });
const body = (schema: unknown) => ({ required: true, content: { "application/json": { schema } } });

/** What every intake answers: every one of them is stored with the body's SHA-256 first. */
const intakeResponses = {
  "201": jsonResponse("A new alert (not seen within the dedupe window)", ref("IngestOutcome")),
  "200": jsonResponse("The same pod and rule within the dedupe window: counted again", ref("IngestOutcome")),
  "400": err("Not JSON, or fieldErrors names each bad field"),
  "401": err("Missing or wrong credentials (recorded)"),
  "403": err("The token does not hold the ingest role (recorded)"),
  "404": err("The pod does not exist in that cluster (recorded)"),
  "409": err("A replay: this delivery id was already accepted (recorded; nothing counted)"),
  "413": err("Larger than ALERT_MAX_BODY_BYTES (recorded)"),
  "422": err("No pod named, or no cluster configured for it (recorded)"),
  "500": { $ref: "#/components/responses/InternalError" },
};

const schemas = {
  IngestOutcome: obj(
    {
      alertId: { type: "string" },
      deliveryId: { type: "string", description: "The stored copy of this delivery" },
      created: { type: "boolean", description: "false when the alert was only counted again" },
      count: { type: "integer" },
      incidentId: { type: ["string", "null"] },
      incident: { enum: ["opened", "joined", "none"], description: "opened by policy (ALERT_AUTO_OPEN), joined the pod's open incident, or none" },
      evidence: {
        description: "When policy opened the incident: the collect-evidence run it started at once",
        oneOf: [obj({ runId: { type: "string" }, outcome: { type: "string" } }), obj({ failed: { type: "string" } }), { type: "null" }],
      },
      runbook: {
        description:
          "ALERT_AUTO_RUNBOOK: the runbook policy started after the evidence (it runs on after this answer; each step, and any stop awaiting approval, is on the incident's timeline), or why it did not start",
        oneOf: [obj({ id: { type: "string" }, started: { type: "boolean" }, why: { type: "string" } }, ["id", "started"]), { type: "null" }],
      },
      incidentError: { type: "string", description: "Why policy could not open the incident it should have; the alert is kept" },
    },
    ["alertId", "deliveryId", "created", "count", "incidentId", "incident"],
  ),
  Alert: obj({
    id: { type: "string" },
    source: { enum: ["falco", "scc", "generic"] },
    cluster: { type: "string" },
    namespace: { type: "string" },
    pod: { type: "string" },
    rule: { type: "string", description: "Falco rule, SCC category, or the generic rule" },
    severity: { enum: ["low", "medium", "high", "critical"] },
    title: { type: "string" },
    mitreTactic: { type: ["string", "null"] },
    firstSeen: { type: "string", format: "date-time" },
    lastSeen: { type: "string", format: "date-time" },
    count: { type: "integer" },
    incidentId: { type: ["string", "null"] },
    details: { type: "object" },
  }),
  GenericAlert: input(genericAlert),
  FalcoPayload: input(falcoPayload),
  PubsubPushEnvelope: input(pubsubPushEnvelope),
  SccNotification: { ...input(sccNotification), description: "What message.data carries, base64-encoded" },
};

export const alertsApi: OpenApiFragment = {
  tags: [{ name: "alerts", description: "Alert intake (Falco via Falcosidekick, Security Command Center via Pub/Sub push, generic) and triage" }],
  schemas,
  paths: {
    "/api/v1/alerts": {
      get: {
        tags,
        summary: "Recent alerts grouped per pod, worst first (analysts)",
        parameters: [{ name: "limit", in: "query", schema: { type: "integer", minimum: 1, maximum: 1000 } }],
        responses: {
          "200": jsonResponse(
            "Alerts per pod",
            obj({
              items: {
                type: "array",
                items: obj({
                  cluster: { type: "string" },
                  namespace: { type: "string" },
                  pod: { type: "string" },
                  severity: { type: "string" },
                  lastSeen: { type: "string" },
                  incidentId: { type: ["string", "null"] },
                  alerts: { type: "array", items: ref("Alert") },
                }),
              },
            }),
          ),
          "401": { $ref: "#/components/responses/Unauthorized" },
          "403": { $ref: "#/components/responses/Forbidden" },
        },
      },
      post: {
        tags,
        summary: "Any other sender: Airlock's generic alert (an ingest-role token)",
        security: [{ bearerToken: [] }],
        requestBody: body(ref("GenericAlert")),
        responses: intakeResponses,
      },
    },
    "/api/v1/alerts/falco": {
      post: {
        tags,
        summary: "Falcosidekick's webhook output (FalcoPayload); the cluster from ALERT_FALCO_CLUSTERS",
        security: [{ ingestSecret: [] }, { bearerToken: [] }],
        requestBody: body(ref("FalcoPayload")),
        responses: intakeResponses,
      },
    },
    "/api/v1/alerts/scc": {
      post: {
        tags,
        summary: "A Security Command Center finding from a Pub/Sub push subscription with OIDC authentication",
        description:
          "The token is verified with google-auth-library (signature against ALERT_SCC_CERTS_URL, issuer, audience ALERT_SCC_AUDIENCE, expiry) and must be for ALERT_SCC_SERVICE_ACCOUNT. Pub/Sub redelivers anything but a 2xx: give the subscription a dead-letter topic.",
        security: [{ googleOidc: [] }],
        requestBody: body(ref("PubsubPushEnvelope")),
        responses: { ...intakeResponses, "503": err("Google's signing certificates could not be read (recorded; Pub/Sub retries)") },
      },
    },
  },
};
