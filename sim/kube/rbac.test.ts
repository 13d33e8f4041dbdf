import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startApiServer, type ApiTestServer } from "./api/testing";

const RBAC = "/apis/rbac.authorization.k8s.io/v1";
const SA = "system:serviceaccount:shop:checkout";

describe("RBAC and SubjectAccessReview", () => {
  let api: ApiTestServer;
  beforeEach(async () => {
    api = await startApiServer();
    await api.request("POST", `${RBAC}/namespaces/shop/roles`, {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "Role",
      metadata: { name: "checkout", namespace: "shop" },
      rules: [
        { apiGroups: [""], resources: ["configmaps"], verbs: ["get", "list"] },
        { apiGroups: [""], resources: ["pods"], verbs: ["patch"], resourceNames: ["only-this"] },
      ],
    });
    const created = await api.request("POST", `${RBAC}/namespaces/shop/rolebindings`, {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "RoleBinding",
      metadata: { name: "checkout", namespace: "shop" },
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: "checkout" },
      subjects: [{ kind: "ServiceAccount", name: "checkout", namespace: "shop" }],
    });
    expect(created.status).toBe(201);
  });
  afterEach(() => api.close());

  const sar = async (user: string, attrs: Record<string, string>, groups: string[] = []) =>
    (
      await api.request("POST", "/apis/authorization.k8s.io/v1/subjectaccessreviews", {
        apiVersion: "authorization.k8s.io/v1",
        kind: "SubjectAccessReview",
        spec: { user, groups, resourceAttributes: attrs },
      })
    ).body.status.allowed;

  it("judges a SubjectAccessReview by the roles bound to the user, with resourceNames", async () => {
    expect(await sar(SA, { namespace: "shop", verb: "get", resource: "configmaps" })).toBe(true);
    expect(await sar(SA, { namespace: "shop", verb: "delete", resource: "configmaps" })).toBe(false);
    expect(await sar(SA, { namespace: "default", verb: "get", resource: "configmaps" })).toBe(false);
    expect(await sar(SA, { namespace: "shop", verb: "patch", resource: "pods", name: "only-this" })).toBe(true);
    expect(await sar(SA, { namespace: "shop", verb: "patch", resource: "pods", name: "other" })).toBe(false);
    expect(await sar("system:serviceaccount:shop:cart", { namespace: "shop", verb: "get", resource: "configmaps" })).toBe(false);
  });

  it("adds the service-account groups, so a binding to system:serviceaccounts:<ns> reaches every KSA there", async () => {
    await api.request("POST", `${RBAC}/clusterrolebindings`, {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "ClusterRoleBinding",
      metadata: { name: "shop-view" },
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "view" },
      subjects: [{ kind: "Group", name: "system:serviceaccounts:shop", apiGroup: "rbac.authorization.k8s.io" }],
    });
    // view is aggregated: its rules are those of system:aggregate-to-view.
    expect(await sar("system:serviceaccount:shop:cart", { namespace: "kube-system", verb: "list", resource: "pods" })).toBe(true);
    expect(await sar("system:serviceaccount:shop:cart", { namespace: "shop", verb: "get", resource: "pods", subresource: "log" })).toBe(true);
    expect(await sar("system:serviceaccount:shop:cart", { namespace: "shop", verb: "create", resource: "pods", subresource: "exec" })).toBe(false);
    expect(await sar("system:serviceaccount:default:x", { namespace: "shop", verb: "list", resource: "pods" })).toBe(false);
    expect(await sar("alice", { verb: "delete", resource: "nodes" }, ["system:masters"])).toBe(true);
  });

  it("authorizes impersonated requests and SelfSubjectAccessReviews as the impersonated user", async () => {
    const as = { "Impersonate-User": SA };
    expect((await api.request("GET", "/api/v1/namespaces/shop/configmaps", undefined, as)).status).toBe(200);
    const denied = await api.request("GET", "/api/v1/namespaces/shop/secrets", undefined, as);
    expect(denied.status).toBe(403);
    expect(denied.body.message).toContain(`User "${SA}" cannot list resource "secrets"`);
    const ssar = (verb: string) =>
      api.request(
        "POST",
        "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews",
        {
          apiVersion: "authorization.k8s.io/v1",
          kind: "SelfSubjectAccessReview",
          spec: { resourceAttributes: { namespace: "shop", verb, resource: "configmaps" } },
        },
        as,
      );
    expect((await ssar("list")).body.status.allowed).toBe(true);
    expect((await ssar("delete")).body.status.allowed).toBe(false);
    // The console's own identity keeps its admin-minus-denials model.
    expect((await api.request("GET", "/api/v1/namespaces/shop/secrets")).status).toBe(200);
  });

  it("serves the RBAC kinds in discovery and follows a subject removed from a binding", async () => {
    const names = ((await api.request("GET", RBAC)).body.resources as { name: string }[]).map((r) => r.name);
    expect(names).toEqual(expect.arrayContaining(["roles", "rolebindings", "clusterroles", "clusterrolebindings"]));
    await api.request("PATCH", `${RBAC}/namespaces/shop/rolebindings/checkout`, { subjects: [] }, { "Content-Type": "application/merge-patch+json" });
    expect(await sar(SA, { namespace: "shop", verb: "get", resource: "configmaps" })).toBe(false);
  });
});
