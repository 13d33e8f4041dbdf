// The kinds this simulator serves. Discovery, routing, storage and the OpenAPI document all
// read this one table, so serving a new kind starts here.
export interface ResourceType {
  key: string; // storage key: "pods" or "apps/deployments"
  group: string; // "" for the core group
  version: string;
  resource: string; // plural
  singular: string;
  kind: string;
  listKind: string;
  namespaced: boolean;
  shortNames?: string[];
  categories?: string[];
  verbs: string[];
  subresources?: { name: string; kind: string; group?: string; version?: string; verbs: string[] }[];
}

const CRUD = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"];

function type(group: string, version: string, resource: string, kind: string, namespaced: boolean, extra: Partial<ResourceType> = {}): ResourceType {
  return {
    key: group ? `${group}/${resource}` : resource,
    group,
    version,
    resource,
    singular: kind.toLowerCase(),
    kind,
    listKind: `${kind}List`,
    namespaced,
    verbs: CRUD,
    ...extra,
  };
}

export const RESOURCE_TYPES: ResourceType[] = [
  type("", "v1", "namespaces", "Namespace", false, { shortNames: ["ns"] }),
  type("", "v1", "nodes", "Node", false, {
    shortNames: ["no"],
    subresources: [
      { name: "status", kind: "Node", verbs: ["get", "patch", "update"] },
      { name: "proxy", kind: "NodeProxyOptions", verbs: ["create", "delete", "get", "patch", "update"] },
    ],
  }),
  type("", "v1", "pods", "Pod", true, {
    shortNames: ["po"],
    categories: ["all"],
    subresources: [
      { name: "status", kind: "Pod", verbs: ["get", "patch", "update"] },
      { name: "log", kind: "Pod", verbs: ["get"] },
      { name: "exec", kind: "PodExecOptions", verbs: ["create", "get"] },
      { name: "eviction", kind: "Eviction", group: "policy", version: "v1", verbs: ["create"] },
      { name: "ephemeralcontainers", kind: "Pod", verbs: ["get", "patch", "update"] },
    ],
  }),
  type("", "v1", "services", "Service", true, { shortNames: ["svc"], categories: ["all"] }),
  type("", "v1", "endpoints", "Endpoints", true, { shortNames: ["ep"], singular: "endpoints" }),
  type("", "v1", "events", "Event", true, { shortNames: ["ev"] }),
  type("", "v1", "configmaps", "ConfigMap", true, { shortNames: ["cm"] }),
  type("", "v1", "serviceaccounts", "ServiceAccount", true, { shortNames: ["sa"] }),
  type("apps", "v1", "deployments", "Deployment", true, {
    shortNames: ["deploy"],
    categories: ["all"],
    subresources: [
      { name: "scale", kind: "Scale", group: "autoscaling", version: "v1", verbs: ["get", "patch", "update"] },
      { name: "status", kind: "Deployment", verbs: ["get", "patch", "update"] },
    ],
  }),
  type("apps", "v1", "replicasets", "ReplicaSet", true, {
    shortNames: ["rs"],
    categories: ["all"],
    subresources: [{ name: "scale", kind: "Scale", group: "autoscaling", version: "v1", verbs: ["get", "patch", "update"] }],
  }),
  type("apps", "v1", "daemonsets", "DaemonSet", true, { shortNames: ["ds"], categories: ["all"] }),
  type("apps", "v1", "statefulsets", "StatefulSet", true, {
    shortNames: ["sts"],
    categories: ["all"],
    subresources: [{ name: "scale", kind: "Scale", group: "autoscaling", version: "v1", verbs: ["get", "patch", "update"] }],
  }),
  type("batch", "v1", "jobs", "Job", true, { categories: ["all"] }),
  type("networking.k8s.io", "v1", "networkpolicies", "NetworkPolicy", true, { shortNames: ["netpol"] }),
  type("policy", "v1", "poddisruptionbudgets", "PodDisruptionBudget", true, { shortNames: ["pdb"] }),
  type("discovery.k8s.io", "v1", "endpointslices", "EndpointSlice", true),
  type("", "v1", "secrets", "Secret", true),
  type("rbac.authorization.k8s.io", "v1", "roles", "Role", true),
  type("rbac.authorization.k8s.io", "v1", "rolebindings", "RoleBinding", true),
  type("rbac.authorization.k8s.io", "v1", "clusterroles", "ClusterRole", false),
  type("rbac.authorization.k8s.io", "v1", "clusterrolebindings", "ClusterRoleBinding", false),
  type("authorization.k8s.io", "v1", "selfsubjectaccessreviews", "SelfSubjectAccessReview", false, { verbs: ["create"] }),
  type("authorization.k8s.io", "v1", "subjectaccessreviews", "SubjectAccessReview", false, { verbs: ["create"] }),
  type("authorization.k8s.io", "v1", "selfsubjectrulesreviews", "SelfSubjectRulesReview", false, { verbs: ["create"] }),
];

const byKey = new Map(RESOURCE_TYPES.map((t) => [t.key, t]));

export function resourceType(key: string): ResourceType {
  const t = byKey.get(key);
  if (!t) throw new Error(`unknown resource ${key}`);
  return t;
}

export function findResource(group: string, version: string, resource: string): ResourceType | undefined {
  const t = byKey.get(group ? `${group}/${resource}` : resource);
  return t && t.version === version ? t : undefined;
}

export function apiVersionOf(t: ResourceType): string {
  return t.group ? `${t.group}/${t.version}` : t.version;
}

export function groupVersions(): { group: string; version: string }[] {
  const seen = new Map<string, { group: string; version: string }>();
  for (const t of RESOURCE_TYPES) seen.set(`${t.group}/${t.version}`, { group: t.group, version: t.version });
  return [...seen.values()];
}
