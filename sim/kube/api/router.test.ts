import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { podObject, startApiServer, type ApiTestServer } from "./testing";

const TABLE = "application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json";

describe("API router", () => {
  let api: ApiTestServer;
  beforeEach(async () => {
    api = await startApiServer();
  });
  afterEach(() => api.close());

  it("serves legacy discovery, also to aggregated-discovery Accept headers", async () => {
    const aggregated = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json";
    const core = await api.request("GET", "/api/v1", undefined, { Accept: aggregated });
    expect(core.headers.get("content-type")).toBe("application/json");
    const resources = core.body.resources as { name: string; group?: string; version?: string; kind: string }[];
    expect(resources.find((r) => r.name === "pods/eviction")).toMatchObject({ group: "policy", version: "v1", kind: "Eviction" });
    const apps = await api.request("GET", "/apis/apps/v1");
    expect((apps.body.resources as { name: string }[]).map((r) => r.name)).toContain("deployments/scale");
    const groups = await api.request("GET", "/apis", undefined, { Accept: aggregated });
    expect(groups.body.kind).toBe("APIGroupList");
    expect((await api.request("GET", "/version")).body.gitVersion).toBe("v1.32.4-gke.1106000");
  });

  it("advertises fieldValidation on PATCH in OpenAPI v3, with links that carry the cluster prefix", async () => {
    const root = await api.request("GET", "/openapi/v3");
    const link = (root.body.paths as Record<string, { serverRelativeURL: string }>)["apis/networking.k8s.io/v1"].serverRelativeURL;
    expect(link).toMatch(/^\/clusters\/test\/openapi\/v3\/apis\/networking\.k8s\.io\/v1\?hash=/);
    const doc = await api.request("GET", link.replace(/^\/clusters\/test/, ""));
    const item = (doc.body.paths as Record<string, { patch: { parameters: { name: string; in: string }[]; "x-kubernetes-group-version-kind": unknown } }>)[
      "/apis/networking.k8s.io/v1/namespaces/{namespace}/networkpolicies/{name}"
    ];
    expect(item.patch["x-kubernetes-group-version-kind"]).toEqual({ group: "networking.k8s.io", version: "v1", kind: "NetworkPolicy" });
    expect(item.patch.parameters).toContainEqual(expect.objectContaining({ name: "fieldValidation", in: "query" }));
  });

  it("answers Table with kubectl's columns for protobuf-first, Table-asking clients", async () => {
    const res = await api.request("GET", "/api/v1/nodes", undefined, { Accept: TABLE });
    expect(res.body.kind).toBe("Table");
    expect((res.body.columnDefinitions as { name: string; priority: number }[]).filter((c) => c.priority === 0).map((c) => c.name)).toEqual([
      "Name",
      "Status",
      "Roles",
      "Age",
      "Version",
    ]);
    const cordon = await api.request(
      "PATCH",
      `/api/v1/nodes/${api.node}`,
      { spec: { unschedulable: true } },
      { "Content-Type": "application/strategic-merge-patch+json" },
    );
    expect(cordon.status).toBe(200);
    const after = await api.request("GET", `/api/v1/nodes/${api.node}`, undefined, {
      Accept: "application/vnd.kubernetes.protobuf;as=Table;v=v1;g=meta.k8s.io," + TABLE,
    });
    expect((after.body.rows as { cells: unknown[]; object: { kind: string } }[])[0].cells[1]).toBe("Ready,SchedulingDisabled");
    expect((after.body.rows as { object: { kind: string } }[])[0].object.kind).toBe("PartialObjectMetadata");
  });

  it("creates, updates with optimistic concurrency, patches and deletes", async () => {
    const created = await api.request("POST", "/api/v1/namespaces/shop/pods", podObject("p", { nodeName: api.node }));
    expect(created.status).toBe(201);
    expect(created.body.spec.restartPolicy).toBe("Always");
    expect((await api.request("POST", "/api/v1/namespaces/shop/pods", podObject("p"))).body).toMatchObject({ code: 409, reason: "AlreadyExists" });

    const stale = { ...created.body, metadata: { ...created.body.metadata, resourceVersion: "1", labels: { app: "x" } } };
    expect((await api.request("PUT", "/api/v1/namespaces/shop/pods/p", stale)).body).toMatchObject({ code: 409, reason: "Conflict" });
    const fresh = { ...created.body, metadata: { ...created.body.metadata, labels: { app: "x" } } };
    expect((await api.request("PUT", "/api/v1/namespaces/shop/pods/p", fresh)).body.metadata.labels).toEqual({ app: "x" });

    const json = await api.request("PATCH", "/api/v1/namespaces/shop/pods/p", [{ op: "add", path: "/metadata/labels/quarantine", value: "true" }], {
      "Content-Type": "application/json-patch+json",
    });
    expect(json.body.metadata.labels).toEqual({ app: "x", quarantine: "true" });
    const merge = await api.request(
      "PATCH",
      "/api/v1/namespaces/shop/pods/p",
      { metadata: { labels: { app: null } } },
      { "Content-Type": "application/merge-patch+json" },
    );
    expect(merge.body.metadata.labels).toEqual({ quarantine: "true" });
    const apply = await api.request("PATCH", "/api/v1/namespaces/shop/pods/p", "{}", { "Content-Type": "application/apply-patch+yaml" });
    // Server-side apply is served (sim/conformance/kubectl-apply.test.ts); without a field manager it is refused.
    expect(apply.status).toBe(400);
    expect(apply.body.message).toContain("fieldManager");

    const deleted = await api.request("DELETE", "/api/v1/namespaces/shop/pods/p", { kind: "DeleteOptions", apiVersion: "v1", gracePeriodSeconds: 10 });
    expect(deleted.status).toBe(200);
    expect(deleted.body.metadata.deletionGracePeriodSeconds).toBe(10);
    expect((await api.request("GET", "/api/v1/namespaces/shop/pods/nope")).body).toMatchObject({
      kind: "Status",
      code: 404,
      reason: "NotFound",
      message: 'pods "nope" not found',
    });
  });

  it("validates and answers dryRun=All without storing", async () => {
    const dry = await api.request("POST", "/api/v1/namespaces/shop/pods?dryRun=All", podObject("dry"));
    expect(dry.status).toBe(201);
    expect(api.cluster.store.get("pods", "shop", "dry")).toBeUndefined();
    const invalid = await api.request("POST", "/api/v1/namespaces/shop/pods?dryRun=All", { ...podObject("Bad_Name") });
    expect(invalid.body).toMatchObject({ code: 422, reason: "Invalid", details: { causes: [{ field: "metadata.name" }] } });
    const quoted = {
      apiVersion: "networking.k8s.io/v1",
      kind: "NetworkPolicy",
      metadata: { name: "default-deny" },
      spec: { podSelector: { matchLabels: { quarantine: true } } },
    };
    const rejected = await api.request("POST", "/apis/networking.k8s.io/v1/namespaces/shop/networkpolicies?fieldValidation=Strict", quoted);
    expect(rejected.status).toBe(400);
    expect(rejected.body.message).toContain("cannot unmarshal bool into Go struct field LabelSelector.spec.podSelector.matchLabels of type string");
  });

  it("writes status only through /status and maps scale onto spec.replicas", async () => {
    api.cluster.store.create("apps/deployments", {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name: "d", namespace: "shop" },
      spec: {
        replicas: 2,
        selector: { matchLabels: { app: "d" } },
        template: { metadata: { labels: { app: "d" } }, spec: { containers: [{ name: "c", image: "i" }] } },
      },
      status: { replicas: 2 },
    });
    const main = await api.request(
      "PATCH",
      "/apis/apps/v1/namespaces/shop/deployments/d",
      { status: { replicas: 9 } },
      { "Content-Type": "application/merge-patch+json" },
    );
    expect(main.body.status.replicas).toBe(2);
    const status = await api.request(
      "PATCH",
      "/apis/apps/v1/namespaces/shop/deployments/d/status",
      { status: { replicas: 9 } },
      { "Content-Type": "application/merge-patch+json" },
    );
    expect(status.body.status.replicas).toBe(9);

    const scale = await api.request("GET", "/apis/apps/v1/namespaces/shop/deployments/d/scale");
    expect(scale.body).toMatchObject({ kind: "Scale", apiVersion: "autoscaling/v1", spec: { replicas: 2 }, status: { selector: "app=d" } });
    const scaled = await api.request(
      "PATCH",
      "/apis/apps/v1/namespaces/shop/deployments/d/scale",
      { spec: { replicas: 0 } },
      { "Content-Type": "application/merge-patch+json" },
    );
    expect(scaled.body.spec.replicas).toBe(0);
    expect(api.cluster.store.get("apps/deployments", "shop", "d")!.spec.replicas).toBe(0);
    const negative = await api.request("PUT", "/apis/apps/v1/namespaces/shop/deployments/d/scale", { spec: { replicas: -1 } });
    expect(negative.body).toMatchObject({ code: 422, reason: "Invalid" });
  });

  it("answers access reviews from cluster.accessDenials and enforces them", async () => {
    const review = (verb: string) => ({
      apiVersion: "authorization.k8s.io/v1",
      kind: "SelfSubjectAccessReview",
      spec: { resourceAttributes: { namespace: "shop", verb, resource: "pods" } },
    });
    expect((await api.request("POST", "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews", review("delete"))).body.status).toMatchObject({
      allowed: true,
    });
    api.cluster.accessDenials.push({ verb: "delete", resource: "pods", namespace: "shop" });
    const denied = await api.request("POST", "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews", review("delete"));
    expect(denied.status).toBe(201);
    expect(denied.body.status).toMatchObject({ allowed: false });
    api.cluster.store.create("pods", podObject("p"));
    const forbidden = await api.request("DELETE", "/api/v1/namespaces/shop/pods/p");
    expect(forbidden.body).toMatchObject({ code: 403, reason: "Forbidden" });
    expect((await api.request("POST", "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews", review("get"))).body.status.allowed).toBe(true);
  });

  it("decodes protobuf bodies from kubectl's typed clients", async () => {
    // runtime.Unknown{typeMeta{v1, Namespace}, raw: Namespace{metadata{name: "evidence"}}}, as kubectl create namespace sends.
    const str = (field: number, s: Buffer | string) => {
      const b = Buffer.isBuffer(s) ? s : Buffer.from(s);
      return Buffer.concat([Buffer.from([(field << 3) | 2, b.length]), b]);
    };
    const raw = str(1, str(1, "evidence"));
    const unknown = Buffer.concat([str(1, Buffer.concat([str(1, "v1"), str(2, "Namespace")])), str(2, raw)]);
    const body = Buffer.concat([Buffer.from("k8s\0", "binary"), unknown]);
    const res = await fetch(`${api.base}/api/v1/namespaces`, { method: "POST", headers: { "Content-Type": "application/vnd.kubernetes.protobuf" }, body });
    expect(res.status).toBe(201);
    expect(api.cluster.store.get("namespaces", undefined, "evidence")?.status?.phase).toBe("Active");
  });

  it("answers unknown paths and verbs with Status errors", async () => {
    expect((await api.request("GET", "/apis/apps/v1/namespaces/shop/widgets")).body).toMatchObject({ kind: "Status", code: 404, reason: "NotFound" });
    expect((await api.request("GET", "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews")).body).toMatchObject({ code: 405, reason: "MethodNotAllowed" });
    expect((await api.request("PATCH", "/api/v1/namespaces/shop/pods/x", {}, { "Content-Type": "text/plain" })).body).toMatchObject({ code: 415 });
  });
});
