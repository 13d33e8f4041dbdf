import { jsonResponse, pathParam, ref, standardErrors } from "../common";
import type { OpenApiFragment } from "../types";

const id = pathParam("id", "Incident id", "^[A-Za-z0-9-]+$");
const stepId = pathParam("stepId", "Containment step id, e.g. cordon-node", "^[a-z][a-z0-9-]{0,63}$");
const err = (description: string) => jsonResponse(description, ref("Error"));
const bad = { $ref: "#/components/responses/BadRequest" };
const notFound = { $ref: "#/components/responses/NotFound" };
const upstream = { $ref: "#/components/responses/Upstream" };
const body = (schema: unknown) => ({ required: true, content: { "application/json": { schema } } });
const obj = (properties: Record<string, unknown>, required: string[] = []) => ({ type: "object", properties, ...(required.length ? { required } : {}) });

const schemas = {
  IncidentTargets: obj(
    {
      cluster: { type: "string" },
      namespace: { type: "string" },
      pod: { type: "string" },
      podUid: { type: "string" },
      node: { type: ["string", "null"] },
      instance: { type: ["object", "null"], properties: { project: { type: "string" }, zone: { type: "string" }, name: { type: "string" } } },
      network: { type: ["string", "null"] },
      ownerChain: {
        type: "array",
        items: obj({ kind: { type: "string" }, name: { type: "string" }, apiVersion: { type: "string" }, uid: { type: "string" } }),
      },
      services: { type: "array", items: { type: "string" } },
      networkPolicies: { type: "array", items: { type: "string" } },
      containers: { type: "array", items: { type: "string" } },
    },
    ["cluster", "namespace", "pod"],
  ),
  Incident: obj(
    {
      id: { type: "string" },
      title: { type: "string" },
      severity: { enum: ["low", "medium", "high", "critical"] },
      status: { enum: ["open", "contained", "released", "closed"] },
      createdBy: { type: "string" },
      createdAt: { type: "string", format: "date-time" },
      targets: ref("IncidentTargets"),
    },
    ["id", "title", "severity", "status", "targets"],
  ),
  StepPlan: obj(
    {
      stepId: { type: "string" },
      planHash: { type: "string", description: "sha256 of the step, params, changes and data (and a raised risk with its reasons); send it back to execute" },
      risk: {
        enum: ["read-only", "reversible", "disruptive", "destructive"],
        description: "The step's risk, or higher where this plan raised it (riskReasons says why)",
      },
      riskReasons: {
        type: "array",
        items: { type: "string" },
        description:
          "Why this plan is riskier than its step (a Service deleted, drain with force, a target in kube-system or PROTECTED_NAMESPACES); part of the hash, so an approval covers exactly the raised plan",
      },
      changes: { type: "array", items: { type: "object" } },
      commands: { type: "array", items: { type: "string" }, description: "Equivalent kubectl/gcloud commands, in order" },
      warnings: { type: "array", items: obj({ level: { type: "string" }, code: { type: "string" }, message: { type: "string" } }) },
      requiresApproval: { type: "boolean" },
      requiresConfirmation: { type: "boolean", description: "execute needs confirm equal to the pod's name" },
      blocked: { type: "string", description: "Why the step cannot run now" },
      lock: {
        ...obj({ id: { type: "string" }, message: { type: "string" }, skips: { type: "string" } }),
        description: "A precondition not met yet (e.g. protect-node-first): execute answers 409 with the id as reason unless an approver sends overrideReason",
      },
      noop: { type: "boolean" },
      dryRun: obj({ ok: { type: "boolean" }, message: { type: "string" } }),
    },
    ["stepId", "planHash", "risk", "changes", "commands", "warnings", "requiresApproval"],
  ),
  UndoPlan: {
    allOf: [
      ref("StepPlan"),
      obj(
        {
          operation: { const: "undo" },
          undoes: { type: "string", description: "The run being undone" },
          restores: { description: "The stored record of that run: what undo restores from (never re-read from the workload)" },
          effect: { type: ["string", "null"], description: "What undoing puts back, in words" },
          noopReason: { type: ["string", "null"], description: "Why undoing would change nothing now" },
        },
        ["operation", "undoes", "restores"],
      ),
    ],
    description:
      "What undoing (releasing) the latest run will do, hashed like an execution plan (planHash over the run and its record). requiresApproval: the approval policy's undo rules (default: network, node-network and credentials stages need one approver who is not the requester).",
  },
  StepRun: obj(
    {
      runId: { type: "string" },
      stepId: { type: "string" },
      operation: { enum: ["execute", "undo"] },
      outcome: { enum: ["success", "noop"] },
      message: { type: "string" },
      verify: { type: ["object", "null"], properties: { holds: { type: "boolean" }, message: { type: "string" } } },
    },
    ["runId", "stepId", "operation", "outcome", "message"],
  ),
  TimelineEntry: obj({
    id: { type: "integer" },
    at: { type: "string", format: "date-time" },
    actor: { type: "string" },
    role: { type: ["string", "null"] },
    incidentId: { type: ["string", "null"] },
    stepId: { type: ["string", "null"] },
    kind: { type: "string", description: "incident-opened, plan, override, intent, result, verify, undo, reconcile …" },
    targets: { type: "array", items: { type: "object" } },
    planHash: { type: ["string", "null"] },
    details: { type: "object" },
    prevHash: { type: "string" },
    hash: { type: "string" },
  }),
  ContainmentBoard: obj(
    {
      checkedAt: { type: "string", format: "date-time", description: "When the layers were read live" },
      rows: {
        type: "array",
        description: "One row per layer, in this order: workload, pod-ingress, pod-egress, services, node-network, credentials, evidence",
        items: obj(
          {
            layer: { enum: ["workload", "pod-ingress", "pod-egress", "services", "node-network", "credentials", "evidence"] },
            title: { type: "string" },
            state: {
              enum: ["not-started", "in-effect", "unproven", "pending-propagation", "not-contained", "released"],
              description:
                "From live reads (each step's read-only verify) and the incident's runs, never from a step having run: not-contained means a step ran but its effect is not there now (or cannot be shown); in-effect (green) only when proven, for the pod network by an attest-isolation run after the propagation window that found it isolated; unproven means in place as far as the API shows but not yet tested (run attest-isolation); released means an undo ran and the live read shows the effect gone (an effect back after its undo is shown as it reads)",
            },
            why: { type: "string", description: "One line: what was read that gives this state" },
            provenAt: {
              type: "string",
              format: "date-time",
              description:
                "Pod-network and node-network rows in effect: when the isolation was proven (the attestation's time; for the node, when the executor's verification held, else this read)",
            },
            evidence: {
              type: "array",
              description: "What proves it: the policy, effective firewalls, the last probe run (never re-probed), runs, artifact ids",
              items: obj(
                {
                  kind: { enum: ["policy", "firewall", "probe", "artifact", "snapshot", "run", "node", "service"] },
                  label: { type: "string" },
                  href: { type: "string" },
                },
                ["kind", "label"],
              ),
            },
          },
          ["layer", "title", "state", "why", "evidence"],
        ),
      },
      timeToContain: obj(
        {
          openedFrom: { enum: ["incident", "alert"], description: 'Where the clock starts; "alert" once alerts open incidents' },
          openedAt: { type: "string", format: "date-time" },
          containedAt: {
            type: ["string", "null"],
            format: "date-time",
            description:
              "When a pod-network or node-network layer was first proven in effect: the proof's own time (the attestation's, or the node's verification), not the read that noticed it; recorded once (timeline kind isolation-verified, details.containedAt) and kept after release",
          },
          containedBy: { type: ["string", "null"], description: "The layer proven in effect then" },
          seconds: { type: ["integer", "null"] },
        },
        ["openedFrom", "openedAt", "containedAt", "containedBy", "seconds"],
      ),
    },
    ["checkedAt", "rows", "timeToContain"],
  ),
};

const tags = ["incidents"];

export const incidentsApi: OpenApiFragment = {
  tags: [{ name: "incidents", description: "Incidents and their staged containment: plan, execute, undo, release, timeline" }],
  schemas,
  paths: {
    "/api/v1/incidents": {
      get: {
        tags,
        summary: "Incidents, newest first",
        parameters: [
          { name: "limit", in: "query", schema: { type: "integer", minimum: 1, maximum: 500, default: 100 } },
          { name: "status", in: "query", schema: { enum: ["open", "contained", "released", "closed"] } },
        ],
        responses: { "200": jsonResponse("Incidents", obj({ items: { type: "array", items: ref("Incident") } })), "400": bad, ...standardErrors },
      },
      post: {
        tags,
        summary: "Open an incident on a pod; Airlock resolves node, VM, owner chain, Services and NetworkPolicies",
        requestBody: body(
          obj(
            {
              cluster: { type: "string", description: "Kubernetes context name" },
              namespace: { type: "string" },
              pod: { type: "string" },
              title: { type: "string", minLength: 3 },
              severity: { enum: ["low", "medium", "high", "critical"], default: "high" },
            },
            ["cluster", "namespace", "pod", "title"],
          ),
        ),
        responses: { "201": jsonResponse("The incident", ref("Incident")), "400": bad, "404": notFound, "502": upstream, ...standardErrors },
      },
    },
    "/api/v1/incidents/{id}": {
      get: {
        tags,
        summary: "Targets, live preflight, every step's status by stage, what release would undo, and the containment board",
        parameters: [id],
        responses: {
          "200": jsonResponse(
            "Incident detail",
            obj(
              {
                incident: ref("Incident"),
                preflight: { type: "object" },
                stages: { type: "array", items: { type: "object" } },
                release: { type: "array", items: { type: "object" } },
                containment: ref("ContainmentBoard"),
              },
              ["incident", "preflight", "stages", "release", "containment"],
            ),
          ),
          "404": notFound,
          ...standardErrors,
        },
      },
    },
    "/api/v1/incidents/{id}/containment": {
      get: {
        tags,
        summary: "The containment board alone: each layer's state read live now, and the time-to-contain clock",
        description:
          "Reads only the cluster and Google Cloud (never starts a probe). The first read that finds a pod-network or node-network layer proven in effect writes one isolation-verified timeline entry, which fixes time-to-contain at the proof's own time.",
        parameters: [id],
        responses: { "200": jsonResponse("The board", ref("ContainmentBoard")), "404": notFound, ...standardErrors },
      },
    },
    "/api/v1/incidents/{id}/timeline": {
      get: {
        tags,
        summary: "The incident's hash-chained timeline entries in order",
        parameters: [
          id,
          { name: "afterId", in: "query", schema: { type: "integer", minimum: 0 } },
          { name: "limit", in: "query", schema: { type: "integer", minimum: 1, maximum: 5000 } },
        ],
        responses: { "200": jsonResponse("Entries", obj({ items: { type: "array", items: ref("TimelineEntry") } })), "404": notFound, ...standardErrors },
      },
    },
    "/api/v1/incidents/{id}/release": {
      get: {
        tags,
        summary:
          "Reversible steps still in force, newest first: undo each in this order to release; byHand: what release cannot undo and a person must finish (an abandoned VM to delete)",
        parameters: [id],
        responses: {
          "200": jsonResponse(
            "Release items",
            obj({ items: { type: "array", items: { type: "object" } }, byHand: { type: "array", items: { type: "object" } } }),
          ),
          "404": notFound,
          ...standardErrors,
        },
      },
    },
    "/api/v1/incidents/{id}/steps/{stepId}/plan": {
      post: {
        tags,
        summary: "Plan a step: exact changes, equivalent commands, warnings and the plan hash to execute",
        parameters: [id, stepId],
        requestBody: body(obj({ params: { type: "object" } })),
        responses: { "200": jsonResponse("The plan", ref("StepPlan")), "400": bad, "404": notFound, "502": upstream, ...standardErrors },
      },
    },
    "/api/v1/incidents/{id}/steps/{stepId}/execute": {
      post: {
        tags,
        summary: "Execute the reviewed plan",
        description:
          "403 for an approver without the analyst role (approvers sign off, they do not run steps), when the caller's role is below the step's, or when a destructive step has no approval for this plan hash; 400 on a missing or wrong confirmation; 409 when the plan changed (stale planHash), the step is blocked or already running, or locked (eradication waits for evidence; drain-node and firewall-isolate wait for protect-node where GKE may replace the node).",
        parameters: [id, stepId],
        requestBody: body(
          obj(
            {
              planHash: { type: "string", pattern: "^[0-9a-f]{64}$" },
              confirm: { type: "string", description: "The pod's name, for disruptive and destructive steps" },
              params: { type: "object" },
              overrideReason: {
                type: "string",
                description:
                  "Approver only: run a step whose plan is locked (an eradicate step before evidence was collected, drain-node or firewall-isolate before protect-node); at least 10 characters, recorded on the timeline",
              },
            },
            ["planHash"],
          ),
        ),
        responses: {
          "200": jsonResponse("The run", ref("StepRun")),
          "400": bad,
          "404": notFound,
          "409": err("Stale plan, blocked, already running, or locked (waiting for evidence or protect-node)"),
          "502": err("The step failed; the message says why (recorded on the timeline)"),
          ...standardErrors,
        },
      },
    },
    "/api/v1/incidents/{id}/steps/{stepId}/undo": {
      post: {
        tags,
        summary: "Undo the latest successful run of a reversible step with its stored record, as reviewed in its undo plan",
        description:
          "Send the planHash of POST …/undo/plan. 400 without it or without the pod's name where the undo needs confirming; 409 (plan-changed) when the run or its record changed since the undo plan; 403 for an approver without the analyst role (it signs off releases, it does not run them), when the caller's role is below the step's, or the approval policy gates this release and no approval of this undo plan exists (approval-required), or it was used by an earlier run (approval-used).",
        parameters: [id, stepId],
        requestBody: body(
          obj(
            {
              planHash: { type: "string", pattern: "^[0-9a-f]{64}$", description: "The undo plan's hash" },
              confirm: { type: "string", description: "The pod's name, for disruptive and destructive steps" },
            },
            ["planHash"],
          ),
        ),
        responses: {
          "200": jsonResponse("The undo run", ref("StepRun")),
          "400": bad,
          "404": notFound,
          "409": err("Nothing to undo, the undo plan changed, or the step is running"),
          "502": err("The undo failed"),
          ...standardErrors,
        },
      },
    },
    "/api/v1/incidents/{id}/steps/{stepId}/undo/plan": {
      post: {
        tags,
        summary: "Plan the undo (release) of the step's latest run: what it restores, its hash, whether it needs approval",
        parameters: [id, stepId],
        responses: {
          "200": jsonResponse("The undo plan", ref("UndoPlan")),
          "400": err("The step cannot be undone"),
          "404": notFound,
          "409": err("Nothing to undo, or its record is unreadable"),
          ...standardErrors,
        },
      },
    },
    "/api/v1/incidents/{id}/steps/{stepId}/progress": {
      get: {
        tags,
        summary: "Progress lines of the step's latest run (per-pod drain progress); poll with afterId",
        parameters: [id, stepId, { name: "afterId", in: "query", schema: { type: "integer", minimum: 0 } }],
        responses: { "200": jsonResponse("Run and lines", { type: "object" }), "404": notFound, ...standardErrors },
      },
    },
  },
};
