import { RESOURCE_TYPES } from "../resources";
import type { AccessDenial, SimCluster } from "../cluster";
import type { KObject } from "../types";

// SelfSubjectAccessReview and SelfSubjectRulesReview: everything is allowed except what the
// control surface put in cluster.accessDenials, so the console's permission checks can be
// tested both ways.

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

export function isDenied(cluster: SimCluster, a: ResourceAttributes): AccessDenial | undefined {
  return cluster.accessDenials.find((d) => denialMatches(d, a));
}

export function reviewAccess(cluster: SimCluster, review: KObject): KObject {
  const spec = review.spec ?? {};
  const attrs: ResourceAttributes | undefined = spec.resourceAttributes;
  let allowed = true;
  if (attrs) allowed = !isDenied(cluster, attrs);
  else if (spec.nonResourceAttributes) {
    const verb = spec.nonResourceAttributes.verb;
    allowed = !cluster.accessDenials.some((d) => d.resource === "*" && (d.verb === "*" || d.verb === verb) && d.namespace === undefined);
  }
  return {
    ...review,
    apiVersion: "authorization.k8s.io/v1",
    kind: "SelfSubjectAccessReview",
    metadata: { ...(review.metadata ?? {}), creationTimestamp: null as unknown as string },
    status: allowed
      ? { allowed: true, reason: "simulated cluster: allowed" }
      : { allowed: false, denied: true, reason: "simulated cluster: denied by an access denial set through /_sim/" },
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
