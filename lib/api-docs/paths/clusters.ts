import { jsonResponse, pathParam, ref, standardErrors } from "../common";
import type { OpenApiFragment } from "../types";

const cluster = pathParam("cluster", "Kubernetes context name, e.g. gke_acme-prod_us-central1-a_payments", "^[A-Za-z0-9._:@-]+$");
const DNS_LABEL = "^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$";
const DNS_SUBDOMAIN = "^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$";

const listParams = [
  cluster,
  { name: "namespace", in: "query", schema: { type: "string", pattern: DNS_LABEL }, description: "Only this namespace (all when absent)" },
  { name: "labelSelector", in: "query", schema: { type: "string" }, description: "Kubernetes label selector, e.g. app=checkout,quarantine!=true" },
  { name: "fieldSelector", in: "query", schema: { type: "string" }, description: "Kubernetes field selector, e.g. spec.nodeName=gke-…,status.phase=Running" },
  { name: "limit", in: "query", schema: { type: "integer", minimum: 1, maximum: 500, default: 100 } },
  { name: "continue", in: "query", schema: { type: "string" }, description: "The continue token of the previous page" },
];

const page = (item: string) => ({
  type: "object",
  required: ["items"],
  properties: {
    items: { type: "array", items: ref(item) },
    continue: { type: "string", description: "Pass as ?continue= for the next page; absent on the last page" },
    remainingItemCount: { type: "integer", description: "Items after this page, when the API server says" },
  },
});

const selectedPods = {
  type: ["object", "null"],
  properties: { names: { type: "array", items: { type: "string" } }, count: { type: ["integer", "null"] }, truncated: { type: "boolean" } },
};

const nullableString = { type: ["string", "null"] };

const listOp = (summary: string, item: string) => ({
  get: {
    tags: ["clusters"],
    summary,
    parameters: listParams,
    responses: {
      "200": jsonResponse("One page", page(item)),
      "400": { $ref: "#/components/responses/BadRequest" },
      "404": { $ref: "#/components/responses/NotFound" },
      "502": { $ref: "#/components/responses/Upstream" },
      ...standardErrors,
    },
  },
});

export const clustersApi: OpenApiFragment = {
  tags: [{ name: "clusters", description: "Read-only browsing of clusters, nodes, pods, Services and NetworkPolicies" }],
  paths: {
    "/api/v1/clusters": {
      get: {
        tags: ["clusters"],
        summary: "Every cluster: kubeconfig contexts and GKE clusters in GCP_PROJECTS",
        responses: {
          "200": jsonResponse("Clusters and discovery problems", {
            type: "object",
            required: ["items", "problems"],
            properties: {
              items: { type: "array", items: ref("Cluster") },
              problems: { type: "array", items: { type: "object", properties: { project: { type: "string" }, message: { type: "string" } } } },
            },
          }),
          ...standardErrors,
        },
      },
    },
    "/api/v1/clusters/{cluster}": {
      get: {
        tags: ["clusters"],
        summary: "One cluster's facts",
        parameters: [cluster],
        responses: {
          "200": jsonResponse("The cluster", ref("Cluster")),
          "400": { $ref: "#/components/responses/BadRequest" },
          "404": { $ref: "#/components/responses/NotFound" },
          ...standardErrors,
        },
      },
    },
    "/api/v1/clusters/{cluster}/nodes": listOp("Nodes, with VM network tags and pod counts", "Node"),
    "/api/v1/clusters/{cluster}/pods": listOp("Pods (filter by node with fieldSelector=spec.nodeName=…, by phase with status.phase=…)", "Pod"),
    "/api/v1/clusters/{cluster}/services": listOp("Services and the pods they select", "Service"),
    "/api/v1/clusters/{cluster}/networkpolicies": listOp("NetworkPolicies and the pods they select", "NetworkPolicy"),
    "/api/v1/clusters/{cluster}/pods/{namespace}/{name}": {
      get: {
        tags: ["clusters"],
        summary: "Pod detail: containers, owner chain, selecting Services and NetworkPolicies, node and VM, events, log tails",
        parameters: [cluster, pathParam("namespace", "Namespace", DNS_LABEL), pathParam("name", "Pod name", DNS_SUBDOMAIN)],
        responses: {
          "200": jsonResponse("The pod", ref("PodDetail")),
          "400": { $ref: "#/components/responses/BadRequest" },
          "404": { $ref: "#/components/responses/NotFound" },
          "502": { $ref: "#/components/responses/Upstream" },
          ...standardErrors,
        },
      },
    },
    "/api/v1/clusters/{cluster}/nodes/{name}": {
      get: {
        tags: ["clusters"],
        summary: "Node detail: its pods (paged), VM tags and access configs, effective firewall rules",
        parameters: [cluster, pathParam("name", "Node name", DNS_SUBDOMAIN), { name: "continue", in: "query", schema: { type: "string" } }],
        responses: {
          "200": jsonResponse("The node", ref("NodeDetail")),
          "400": { $ref: "#/components/responses/BadRequest" },
          "404": { $ref: "#/components/responses/NotFound" },
          "502": { $ref: "#/components/responses/Upstream" },
          ...standardErrors,
        },
      },
    },
  },
  schemas: {
    Cluster: {
      type: "object",
      required: ["id", "name", "source", "networkPolicy", "reachable"],
      properties: {
        id: { type: "string", description: "Kubeconfig context name" },
        name: { type: "string" },
        project: nullableString,
        location: nullableString,
        source: { enum: ["kubeconfig", "gke", "both"] },
        kubernetesVersion: nullableString,
        autopilot: { type: ["boolean", "null"] },
        datapath: { type: ["string", "null"], description: "ADVANCED_DATAPATH (Dataplane V2) or LEGACY_DATAPATH" },
        networkPolicy: {
          type: "object",
          properties: { enforced: { type: "boolean" }, determined: { type: "boolean" }, reason: { type: "string" } },
        },
        autoRepair: { type: ["boolean", "null"] },
        nodeCount: { type: ["integer", "null"] },
        podCount: { type: ["integer", "null"] },
        reachable: { type: "boolean" },
        error: { type: "string" },
      },
    },
    Node: {
      type: "object",
      properties: {
        name: { type: "string" },
        ready: { type: "boolean" },
        cordoned: { type: "boolean" },
        zone: nullableString,
        instance: { type: ["object", "null"], properties: { project: { type: "string" }, zone: { type: "string" }, name: { type: "string" } } },
        internalIP: nullableString,
        externalIP: nullableString,
        tags: { type: ["array", "null"], items: { type: "string" } },
        podCount: { type: ["integer", "null"] },
      },
    },
    Pod: {
      type: "object",
      properties: {
        namespace: { type: "string" },
        name: { type: "string" },
        phase: { type: "string" },
        ready: { type: "string", description: "ready/total containers" },
        restarts: { type: "integer" },
        node: nullableString,
        podIP: nullableString,
        owner: { type: ["object", "null"], properties: { kind: { type: "string" }, name: { type: "string" } } },
        quarantined: { type: "boolean", description: "label quarantine=true" },
        labels: { type: "object", additionalProperties: { type: "string" } },
        suspicion: {
          type: "object",
          description: "In the pods list: security (Falco-style) Warning events on the pod and an incident on it that is not closed",
          properties: {
            securityEvents: { type: "array", items: { type: "object", properties: { reason: { type: "string" }, count: { type: "integer" } } } },
            openIncident: { type: ["object", "null"], properties: { id: { type: "string" }, title: { type: "string" } } },
          },
        },
      },
    },
    Service: {
      type: "object",
      properties: {
        namespace: { type: "string" },
        name: { type: "string" },
        type: { type: "string" },
        clusterIP: nullableString,
        ports: { type: "array", items: { type: "string" } },
        selector: { type: ["object", "null"], additionalProperties: { type: "string" } },
        selectedPods,
      },
    },
    NetworkPolicy: {
      type: "object",
      properties: {
        namespace: { type: "string" },
        name: { type: "string" },
        podSelector: { type: "string" },
        policyTypes: { type: "array", items: { type: "string" } },
        selectedPods,
      },
    },
    PodDetail: {
      type: "object",
      description: "Sections that fail on their own are {ok:false, error}; otherwise {ok:true, value}.",
      properties: {
        cluster: { type: "string" },
        pod: ref("Pod"),
        containers: { type: "array", items: { type: "object" } },
        ownerChain: {
          type: "array",
          items: {
            type: "object",
            properties: { kind: { type: "string" }, name: { type: "string" }, missing: { type: "boolean" }, error: { type: "string" } },
          },
        },
        services: { type: "object" },
        networkPolicies: { type: "object" },
        node: { type: "object" },
        vm: { type: "object" },
        events: { type: "object" },
        logs: { type: "array", items: { type: "object", properties: { container: { type: "string" }, lines: nullableString, error: { type: "string" } } } },
      },
    },
    NodeDetail: {
      type: "object",
      properties: {
        cluster: { type: "string" },
        node: ref("Node"),
        pods: { type: "object", description: "{ok, value: page of Pod}" },
        vm: { type: "object" },
        firewalls: { type: "object", description: "Effective VPC firewall rules, evaluation order (priority, deny first)" },
      },
    },
  },
};
