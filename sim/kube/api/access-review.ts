import { RESOURCE_TYPES } from "../resources";
import type { AccessDenial, SimCluster } from "../cluster";
import type { KObject } from "../types";
import { authorize, authorizeNonResource, userInfo, type UserInfo } from "../rbac";

// Two kinds of caller. The console's own kubeconfig identity (no impersonation) is a cluster
// admin except for what the control surface put in cluster.accessDenials, so the console's
// permission checks can be tested both ways without writing RBAC for it. Anyone else (an
// impersonated user, `kubectl auth can-i --as=…`, or the subject of a SubjectAccessReview) is
// judged by the RBAC objects in the cluster (../rbac.ts), as a real authorizer would.

/** The console's kubeconfig user; requests without Impersonate-User headers act as it. */
export const CONSOLE_USER = "airlock-sim";

/** Who a request acts as: the Impersonate-User/-Group headers, or the console itself (undefined). */
export function requestUser(headers: Record<string, string | string[] | undefined>): UserInfo | undefined {
  const user = headers["impersonate-user"];
  if (!user || Array.isArray(user)) return undefined;
  const g = headers["impersonate-group"];
  // Node joins repeated headers with ", "; group names carry no commas.
  const groups = (Array.isArray(g) ? g : g ? [g] : [])
    .flatMap((x) => x.split(","))
    .map((x) => x.trim())
    .filter(Boolean);
  return userInfo(user, groups);
}

export interface ResourceAttributes {
  namespace?: string;
  verb?: string;
  group?: string;
  resource?: string;
  subresource?: string;
  name?: string;
}

function denialMatches(d: AccessDenial, a: ResourceAttributes): boolean {
  if (d.verb !== "*" && d.verb !== a.verb) return false;
  const resource = a.subresource ? `${a.resource}/${a.subresource}` : (a.resource ?? "");
  if (d.resource !== "*" && d.resource !== resource && d.resource !== a.resource) return false;
  if (d.group !== undefined && d.group !== "*" && d.group !== (a.group ?? "")) return false;
  if (d.namespace !== undefined && d.namespace !== "*" && d.namespace !== (a.namespace ?? "")) return false;
  return true;
}

/** Someone other than the console (an impersonated user): judged by the cluster's RBAC. The console itself is judged by the scenario's access denials. */
export function isImpersonated(who: UserInfo | undefined): who is UserInfo {
  return !!who && who.user !== CONSOLE_USER;
}

export function isDenied(cluster: SimCluster, a: ResourceAttributes): AccessDenial | undefined {
  return cluster.accessDenials.find((d) => denialMatches(d, a));
}

function decide(cluster: SimCluster, who: UserInfo | undefined, spec: KObject["spec"]): { allowed: boolean; denied?: boolean; reason: string } {
  const attrs: ResourceAttributes | undefined = spec.resourceAttributes;
  if (!isImpersonated(who)) {
    let allowed = true;
    if (attrs) allowed = !isDenied(cluster, attrs);
    else if (spec.nonResourceAttributes) {
      const verb = spec.nonResourceAttributes.verb;
      allowed = !cluster.accessDenials.some((d) => d.resource === "*" && (d.verb === "*" || d.verb === verb) && d.namespace === undefined);
    }
    return allowed
      ? { allowed: true, reason: "simulated cluster: allowed" }
      : { allowed: false, denied: true, reason: "simulated cluster: denied by an access denial set through /_sim/" };
  }
  if (attrs) {
    const d = authorize(cluster, who, {
      verb: attrs.verb ?? "",
      group: attrs.group ?? "",
      resource: attrs.resource ?? "",
      subresource: attrs.subresource || undefined,
      namespace: attrs.namespace || undefined,
      name: attrs.name || undefined,
    });
    return d.allowed ? { allowed: true, reason: d.reason } : { allowed: false, reason: "" };
  }
  if (spec.nonResourceAttributes)
    return { allowed: authorizeNonResource(cluster, who, spec.nonResourceAttributes.verb ?? "", spec.nonResourceAttributes.path ?? ""), reason: "" };
  return { allowed: false, reason: "" };
}

/** SelfSubjectAccessReview: as the caller (impersonated or the console). */
export function reviewAccess(cluster: SimCluster, review: KObject, who?: UserInfo): KObject {
  return {
    ...review,
    apiVersion: "authorization.k8s.io/v1",
    kind: "SelfSubjectAccessReview",
    metadata: { ...(review.metadata ?? {}), creationTimestamp: null as unknown as string },
    status: decide(cluster, who, review.spec ?? {}),
  };
}

/** SubjectAccessReview: as spec.user with spec.groups, plus the groups the authenticator would add. */
export function reviewSubjectAccess(cluster: SimCluster, review: KObject): KObject {
  const spec = review.spec ?? {};
  const who = userInfo(String(spec.user ?? ""), Array.isArray(spec.groups) ? spec.groups.map(String) : []);
  return {
    ...review,
    apiVersion: "authorization.k8s.io/v1",
    kind: "SubjectAccessReview",
    metadata: { ...(review.metadata ?? {}), creationTimestamp: null as unknown as string },
    status: decide(cluster, who, spec),
  };
}

export function reviewRules(cluster: SimCluster, review: KObject): KObject {
  const namespace: string | undefined = review.spec?.namespace;
  const resourceRules: { verbs: string[]; apiGroups: string[]; resources: string[] }[] = [];
  if (!cluster.accessDenials.length) {
    resourceRules.push({ verbs: ["*"], apiGroups: ["*"], resources: ["*"] });
  } else {
    // Rules cannot say "all but", so allowed verbs are spelled out per resource.
    for (const t of RESOURCE_TYPES) {
      const names = [t.resource, ...(t.subresources ?? []).map((s) => `${t.resource}/${s.name}`)];
      for (const name of names) {
        const [resource, subresource] = name.split("/");
        const verbs = ["get", "list", "watch", "create", "update", "patch", "delete", "deletecollection"].filter(
          (verb) => !isDenied(cluster, { verb, group: t.group, resource, subresource, namespace }),
        );
        if (verbs.length) resourceRules.push({ verbs, apiGroups: [t.group], resources: [name] });
      }
    }
  }
  return {
    ...review,
    apiVersion: "authorization.k8s.io/v1",
    kind: "SelfSubjectRulesReview",
    metadata: { ...(review.metadata ?? {}), creationTimestamp: null as unknown as string },
    status: {
      resourceRules,
      nonResourceRules: [{ verbs: ["get"], nonResourceURLs: ["/api", "/api/*", "/apis", "/apis/*", "/healthz", "/livez", "/readyz", "/version", "/version/"] }],
      incomplete: false,
    },
  };
}
