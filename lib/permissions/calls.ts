// What a source file actually asks of the APIs, read from its client calls. The permission
// manifests come from declared needs; this scan is how a test proves the declarations cover
// every call, so a new call without a matching need fails CI instead of a production cluster.
import type { KubeNeed } from "@/lib/containment/types";

/** client-node kind (as it appears in method names) → plural resource and API group. */
const KINDS: Record<string, { resource: string; group: string }> = {
  Node: { resource: "nodes", group: "" },
  Pod: { resource: "pods", group: "" },
  Service: { resource: "services", group: "" },
  Event: { resource: "events", group: "" },
  Endpoints: { resource: "endpoints", group: "" },
  Namespace: { resource: "namespaces", group: "" },
  ReplicaSet: { resource: "replicasets", group: "apps" },
  Deployment: { resource: "deployments", group: "apps" },
  StatefulSet: { resource: "statefulsets", group: "apps" },
  DaemonSet: { resource: "daemonsets", group: "apps" },
  Job: { resource: "jobs", group: "batch" },
  CronJob: { resource: "cronjobs", group: "batch" },
  NetworkPolicy: { resource: "networkpolicies", group: "networking.k8s.io" },
  PodDisruptionBudget: { resource: "poddisruptionbudgets", group: "policy" },
  SelfSubjectAccessReview: { resource: "selfsubjectaccessreviews", group: "authorization.k8s.io" },
  SubjectAccessReview: { resource: "subjectaccessreviews", group: "authorization.k8s.io" },
  Secret: { resource: "secrets", group: "" },
  ServiceAccount: { resource: "serviceaccounts", group: "" },
  RoleBinding: { resource: "rolebindings", group: "rbac.authorization.k8s.io" },
  ClusterRoleBinding: { resource: "clusterrolebindings", group: "rbac.authorization.k8s.io" },
};
const SUBRESOURCES: Record<string, string> = { Log: "log", Eviction: "eviction", Scale: "scale", Status: "status" };
const VERBS: Record<string, string> = { read: "get", list: "list", create: "create", patch: "patch", delete: "delete", replace: "update" };

export type KubeCall = Pick<KubeNeed, "verb" | "resource" | "group" | "subresource">;

/** `readNamespacedPodLog` → get pods/log; null for a method that is not a resource call. */
export function kubeCallOf(method: string): KubeCall | null {
  const m = /^(read|list|create|patch|delete|replace)(?:Namespaced)?([A-Z][A-Za-z]*?)(ForAllNamespaces)?$/.exec(method);
  if (!m) return null;
  let name = m[2];
  let subresource: string | undefined;
  if (!KINDS[name]) {
    const sub = Object.keys(SUBRESOURCES).find((s) => name.endsWith(s) && KINDS[name.slice(0, -s.length)]);
    if (!sub) return null;
    subresource = SUBRESOURCES[sub];
    name = name.slice(0, -sub.length);
  }
  const kind = KINDS[name];
  return { verb: VERBS[m[1]], resource: kind.resource, group: kind.group, ...(subresource ? { subresource } : {}) };
}

/** Helpers in lib/containment/steps/support that call the API on a step's behalf. */
const HELPERS: Record<string, KubeCall[]> = {
  readIncidentPod: [{ verb: "get", resource: "pods", group: "" }],
  listPolicies: [{ verb: "list", resource: "networkpolicies", group: "networking.k8s.io" }],
  // Reads the Node (its pool label and scale-down annotation) to say what threatens it.
  nodeThreats: [{ verb: "get", resource: "nodes", group: "" }],
  unprotectedNodeLock: [{ verb: "get", resource: "nodes", group: "" }],
  // WebSocket exec is a GET upgrade (authorized as get before Kubernetes 1.35, as create after).
  Exec: [
    { verb: "create", resource: "pods", group: "", subresource: "exec" },
    { verb: "get", resource: "pods", group: "", subresource: "exec" },
  ],
};

export function kubeCallsIn(source: string): KubeCall[] {
  const out: KubeCall[] = [];
  for (const m of source.matchAll(/\.((?:read|list|create|patch|delete|replace)[A-Z]\w*)\(/g)) {
    const call = kubeCallOf(m[1]);
    if (call) out.push(call);
  }
  for (const [helper, calls] of Object.entries(HELPERS)) {
    if (new RegExp(`\\b(?:new )?${helper}\\(`).test(source)) out.push(...calls);
  }
  return out;
}

/** Compute/GKE client method → the IAM permission it takes. Either of a list suffices. */
const GCP_METHODS: Record<string, Record<string, string[]>> = {
  instances: {
    get: ["compute.instances.get"],
    getEffectiveFirewalls: ["compute.instances.getEffectiveFirewalls"],
    aggregatedListAsync: ["compute.instances.list"],
    aggregatedList: ["compute.instances.list"],
    listAsync: ["compute.instances.list"],
    list: ["compute.instances.list"],
    setTags: ["compute.instances.setTags"],
    deleteAccessConfig: ["compute.instances.deleteAccessConfig"],
    addAccessConfig: ["compute.instances.addAccessConfig"],
  },
  firewalls: { get: ["compute.firewalls.get"], insert: ["compute.firewalls.create"], delete: ["compute.firewalls.delete"], list: ["compute.firewalls.list"] },
  disks: { get: ["compute.disks.get"], createSnapshot: ["compute.disks.createSnapshot"] },
  snapshots: { get: ["compute.snapshots.get"] },
  zoneOperations: { wait: ["compute.zoneOperations.get"] },
  globalOperations: { wait: ["compute.globalOperations.get"] },
  instanceGroupManagers: {
    get: ["compute.instanceGroupManagers.get"],
    listManagedInstances: ["compute.instanceGroupManagers.get"],
    abandonInstances: ["compute.instanceGroupManagers.update"],
  },
};

const IAM_METHODS: Record<string, string[]> = {
  getServiceAccount: ["iam.serviceAccounts.get"],
  disable: ["iam.serviceAccounts.disable"],
  enable: ["iam.serviceAccounts.enable"],
  getIamPolicy: ["iam.serviceAccounts.getIamPolicy"],
  setIamPolicy: ["iam.serviceAccounts.setIamPolicy"],
  userManagedKeys: ["iam.serviceAccountKeys.list"],
  disableKey: ["iam.serviceAccountKeys.disable"],
  enableKey: ["iam.serviceAccountKeys.enable"],
};

/** Each GCP call as the permissions that would allow it (any one of them). */
export function gcpCallsIn(source: string): string[][] {
  const out: string[][] = [];
  for (const m of source.matchAll(/\b(instances|firewalls|disks|snapshots|networks|zoneOperations|globalOperations|instanceGroupManagers)\.(\w+)\(/g)) {
    if (m[2] === "testIamPermissions") continue; // asks about the caller's own permissions: needs none
    const perms = GCP_METHODS[m[1]]?.[m[2]];
    out.push(perms ?? [`unknown:${m[1]}.${m[2]}`]);
  }
  // lib/gcp/iam.ts: IAM v1 through google-auth-library, one method per permission.
  for (const m of source.matchAll(/\biam\.(\w+)\(/g)) out.push(IAM_METHODS[m[1]] ?? [`unknown:iam.${m[1]}`]);
  if (/\.getNodePool\(/.test(source)) out.push(["container.clusters.get"]);
  if (/\.listClusters\(/.test(source)) out.push(["container.clusters.list"]);
  if (/\.getCluster\(\{/.test(source)) out.push(["container.clusters.get"]);
  // Node pools are part of the cluster resource in IAM: reading one is clusters.get, changing its management clusters.update.
  if (/\b(?:getNodePool|readNodePool|nodeThreats|unprotectedNodeLock)\(/.test(source)) out.push(["container.clusters.get"]);
  if (/\.setNodePoolManagement\(/.test(source)) out.push(["container.clusters.update"]);
  if (/\b(?:getOperation|waitGkeOperation)\(/.test(source)) out.push(["container.operations.get"]);
  // waitOperation polls whichever operation the call started: zonal or global.
  if (/\bwaitOperation\(/.test(source)) out.push(["compute.zoneOperations.get", "compute.globalOperations.get"]);
  return out;
}
