import type { SimCluster } from "./cluster";
import type { KObject } from "./types";
import { labelSelectorMatches } from "./label-selector";

// RBAC as the API server's authorizer evaluates it: a request is allowed when any
// ClusterRoleBinding, or any RoleBinding in the request's namespace, names the user or one of
// its groups and its role has a rule covering the verb, API group, resource (with subresource)
// and name. Aggregated ClusterRoles take the rules of every ClusterRole their selectors match,
// computed on read rather than by a controller, so a test that adds a role sees it at once.

export interface UserInfo {
  user: string;
  groups: string[];
}

export interface Attributes {
  verb: string;
  group: string;
  resource: string;
  subresource?: string;
  namespace?: string;
  name?: string;
}

interface Rule {
  verbs?: string[];
  apiGroups?: string[];
  resources?: string[];
  resourceNames?: string[];
  nonResourceURLs?: string[];
}

interface Subject {
  kind: string;
  name: string;
  namespace?: string;
  apiGroup?: string;
}

const SA_PREFIX = "system:serviceaccount:";

/** The groups the API server's authenticator adds: every service account is in two, everyone authenticated in one. */
export function userInfo(user: string, extraGroups: string[] = []): UserInfo {
  const groups = new Set(extraGroups);
  if (user.startsWith(SA_PREFIX)) {
    const ns = user.slice(SA_PREFIX.length).split(":")[0];
    groups.add("system:serviceaccounts");
    groups.add(`system:serviceaccounts:${ns}`);
  }
  if (user !== "system:anonymous") groups.add("system:authenticated");
  return { user, groups: [...groups] };
}

/** Whether a binding subject names this user (directly, or through one of its groups). */
export function subjectMatches(s: Subject, who: UserInfo, bindingNamespace?: string): boolean {
  if (s.kind === "User") return s.name === who.user;
  if (s.kind === "Group") return who.groups.includes(s.name);
  if (s.kind === "ServiceAccount") {
    // An empty namespace on a RoleBinding's subject means the binding's own namespace.
    const ns = s.namespace || bindingNamespace;
    return who.user === `${SA_PREFIX}${ns}:${s.name}`;
  }
  return false;
}

function rulesOfClusterRole(cluster: SimCluster, name: string, seen = new Set<string>()): Rule[] {
  if (seen.has(name)) return [];
  seen.add(name);
  const role = cluster.store.get("rbac.authorization.k8s.io/clusterroles", undefined, name);
  if (!role) return [];
  const rules: Rule[] = [...((role as KObject & { rules?: Rule[] }).rules ?? [])];
  const selectors: { matchLabels?: Record<string, string>; matchExpressions?: unknown[] }[] =
    (role as KObject & { aggregationRule?: { clusterRoleSelectors?: [] } }).aggregationRule?.clusterRoleSelectors ?? [];
  if (selectors.length) {
    for (const other of cluster.store.list("rbac.authorization.k8s.io/clusterroles")) {
      if (other.metadata.name === name) continue;
      if (selectors.some((sel) => labelSelectorMatches(sel as never, other.metadata.labels)))
        rules.push(...rulesOfClusterRole(cluster, other.metadata.name, seen));
    }
  }
  return rules;
}

function rulesOf(cluster: SimCluster, roleRef: { kind: string; name: string }, namespace: string | undefined): Rule[] {
  if (roleRef.kind === "ClusterRole") return rulesOfClusterRole(cluster, roleRef.name);
  if (roleRef.kind === "Role" && namespace) {
    const role = cluster.store.get("rbac.authorization.k8s.io/roles", namespace, roleRef.name) as (KObject & { rules?: Rule[] }) | undefined;
    return role?.rules ?? [];
  }
  return [];
}

interface Binding extends KObject {
  roleRef: { kind: string; name: string };
  subjects?: Subject[];
}

const bindings = (cluster: SimCluster, key: string, namespace?: string) =>
  cluster.store.list(`rbac.authorization.k8s.io/${key}`, namespace ? { namespace } : {}) as Binding[];

const has = (list: string[] | undefined, v: string) => !!list && (list.includes("*") || list.includes(v));

export function ruleAllows(r: Rule, a: Attributes): boolean {
  if (!has(r.verbs, a.verb)) return false;
  if (!has(r.apiGroups, a.group)) return false;
  const res = a.subresource ? `${a.resource}/${a.subresource}` : a.resource;
  const resources = r.resources ?? [];
  const resOk =
    resources.includes("*") ||
    resources.includes(res) ||
    (a.subresource ? resources.includes(`*/${a.subresource}`) || resources.includes(`${a.resource}/*`) : false);
  if (!resOk) return false;
  if (r.resourceNames?.length && !(a.name && r.resourceNames.includes(a.name))) return false;
  return true;
}

export interface Decision {
  allowed: boolean;
  reason: string;
}

/** The authorizer: which binding (if any) grants the request. */
export function authorize(cluster: SimCluster, who: UserInfo, a: Attributes): Decision {
  // system:masters bypasses RBAC on a real API server.
  if (who.groups.includes("system:masters")) return { allowed: true, reason: "" };
  for (const b of bindings(cluster, "clusterrolebindings")) {
    const subjects = b.subjects ?? [];
    if (!subjects.some((s) => subjectMatches(s, who))) continue;
    if (rulesOf(cluster, b.roleRef, undefined).some((r) => ruleAllows(r, a))) {
      return { allowed: true, reason: `RBAC: allowed by ClusterRoleBinding "${b.metadata.name}" of ClusterRole "${b.roleRef.name}" to User "${who.user}"` };
    }
  }
  if (a.namespace) {
    for (const b of bindings(cluster, "rolebindings", a.namespace)) {
      const subjects = b.subjects ?? [];
      if (!subjects.some((s) => subjectMatches(s, who, a.namespace))) continue;
      if (rulesOf(cluster, b.roleRef, a.namespace).some((r) => ruleAllows(r, a))) {
        return {
          allowed: true,
          reason: `RBAC: allowed by RoleBinding "${b.metadata.name}/${a.namespace}" of ${b.roleRef.kind} "${b.roleRef.name}" to User "${who.user}"`,
        };
      }
    }
  }
  return { allowed: false, reason: "" };
}

/** Non-resource requests (`kubectl auth can-i get /healthz`): the same walk over nonResourceURLs. */
export function authorizeNonResource(cluster: SimCluster, who: UserInfo, verb: string, path: string): boolean {
  if (who.groups.includes("system:masters")) return true;
  for (const b of bindings(cluster, "clusterrolebindings")) {
    const subjects = b.subjects ?? [];
    if (!subjects.some((s) => subjectMatches(s, who))) continue;
    for (const r of rulesOf(cluster, b.roleRef, undefined)) {
      if (!has(r.verbs, verb)) continue;
      if ((r.nonResourceURLs ?? []).some((u) => u === "*" || u === path || (u.endsWith("*") && path.startsWith(u.slice(0, -1))))) return true;
    }
  }
  return false;
}
