// What Airlock reads outside the containment steps: the browse pages, opening an incident
// (target resolution) and preflight. Steps declare their own needs beside their code; these
// are declared here because they belong to no step. calls.test.ts proves they cover every call
// the listed modules make.
import type { KubeNeed } from "@/lib/containment/types";

export type Read<T> = T & { usedBy: string[] };

const BROWSE = {
  clusters: "Clusters page",
  nodes: "Nodes page",
  pods: "Pods page",
  services: "Services page",
  policies: "Network policies page",
  podDetail: "Pod detail page",
  nodeDetail: "Node detail page",
  open: "Opening an incident (target resolution)",
  preflight: "Preflight",
  alert: "Alert intake (the pod an alert names must exist)",
  gkeAuth: "Reaching a GKE cluster with a Google identity (kubeconfig from get-credentials)",
} as const;

const OWNER_CHAIN = [BROWSE.podDetail, BROWSE.open];

export const KUBE_READS: Read<KubeNeed>[] = [
  { verb: "list", resource: "nodes", usedBy: [BROWSE.clusters, BROWSE.nodes] },
  { verb: "get", resource: "nodes", usedBy: [BROWSE.nodeDetail, BROWSE.podDetail, BROWSE.open, BROWSE.preflight] },
  {
    verb: "list",
    resource: "pods",
    usedBy: [BROWSE.clusters, BROWSE.nodes, BROWSE.pods, BROWSE.services, BROWSE.policies, BROWSE.nodeDetail, BROWSE.preflight],
  },
  { verb: "get", resource: "pods", usedBy: [BROWSE.podDetail, BROWSE.open, BROWSE.preflight, BROWSE.alert] },
  { verb: "get", resource: "pods", subresource: "log", usedBy: [BROWSE.podDetail] },
  { verb: "list", resource: "services", usedBy: [BROWSE.services, BROWSE.podDetail, BROWSE.open] },
  { verb: "list", resource: "networkpolicies", group: "networking.k8s.io", usedBy: [BROWSE.policies, BROWSE.podDetail, BROWSE.open, BROWSE.preflight] },
  { verb: "list", resource: "events", usedBy: [BROWSE.podDetail] },
  { verb: "get", resource: "replicasets", group: "apps", usedBy: OWNER_CHAIN },
  { verb: "get", resource: "deployments", group: "apps", usedBy: OWNER_CHAIN },
  { verb: "get", resource: "statefulsets", group: "apps", usedBy: OWNER_CHAIN },
  { verb: "get", resource: "daemonsets", group: "apps", usedBy: OWNER_CHAIN },
  { verb: "get", resource: "jobs", group: "batch", usedBy: OWNER_CHAIN },
  { verb: "get", resource: "cronjobs", group: "batch", usedBy: OWNER_CHAIN },
  { verb: "list", resource: "poddisruptionbudgets", group: "policy", usedBy: [BROWSE.preflight] },
  // Every authenticated user may create these by default (system:basic-user); listed so a
  // cluster that removed that default still lets preflight ask.
  { verb: "create", resource: "selfsubjectaccessreviews", group: "authorization.k8s.io", usedBy: [BROWSE.preflight] },
];

export const GCP_READS: Read<{ permission: string }>[] = [
  { permission: "container.clusters.list", usedBy: [BROWSE.clusters] },
  // GKE lets a Google identity authenticate to a cluster's API only with this; RBAC decides the rest.
  { permission: "container.clusters.get", usedBy: [BROWSE.gkeAuth, BROWSE.preflight] },
  { permission: "compute.instances.get", usedBy: [BROWSE.nodes, BROWSE.nodeDetail, BROWSE.podDetail, BROWSE.open] },
  { permission: "compute.instances.getEffectiveFirewalls", usedBy: [BROWSE.nodeDetail] },
];

/** The modules whose API calls KUBE_READS and GCP_READS must cover (relative to the repo root). */
export const READ_MODULES = ["lib/clusters", "lib/containment/preflight.ts", "lib/containment/targets.ts", "lib/alerts/intake.ts"];
