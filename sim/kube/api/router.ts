import type { IncomingMessage, ServerResponse } from "node:http";
import type { Duplex } from "node:stream";
import { logJson } from "../../core/log";
import { readBody, splitUrl } from "../../core/http";
import type { World } from "../../world";
import type { SimCluster } from "../cluster";
import { ApiError, forbidden, methodNotAllowed } from "../errors";
import { findResource, type ResourceType } from "../resources";
import { CONSOLE_USER, isDenied, isImpersonated, requestUser } from "./access-review";
import { authorize, type UserInfo } from "../rbac";
import { apiGroup, apiGroupList, apiResourceList, apiVersions, versionInfo } from "./discovery";
import { createObject, deleteCollection, deleteOne, getObject, listOrWatch, patchObject, updateObject, type RequestContext } from "./objects";
import { openApiGroupVersionDoc, openApiRoot } from "./openapi";
import { OPENAPI_V2_PROTOBUF, openApiV2 } from "./openapi-v2";
import { decodeProtobufObject, isProtobuf } from "./protobuf";
import { queryBool } from "./query";
import { sendError, sendObject } from "./respond";
import { findSubresource, findUpgradeHandler } from "./subresources";
import { handleNodeProxy } from "./node-proxy";
import { markDryRun } from "../../control/requests";

// One cluster's Kubernetes API: discovery, OpenAPI, and /api/v1 + /apis/<group>/<version>
// resource paths (namespaced and cluster-wide, /watch/ prefixed or ?watch=true) dispatched to
// the verbs in objects.ts and to the subresource table in subresources.ts. Every error leaves
// as a metav1.Status.

/** Subresources that act on the pod or node rather than store an object; they ignore dryRun. */
const CONNECT_SUBRESOURCES = new Set(["exec", "attach", "portforward", "proxy"]);

const NOT_FOUND = () => new ApiError(404, "NotFound", "the server could not find the requested resource", {});

interface Target {
  type: ResourceType;
  namespace: string | undefined;
  name: string | undefined;
  subresource: string | undefined;
  watchPath: boolean;
}

/** Parses the part of a path after /api/v1 or /apis/<group>/<version>. */
function parseResourcePath(group: string, version: string, rest: string[]): Target | undefined {
  let watchPath = false;
  if (rest[0] === "watch") {
    watchPath = true;
    rest = rest.slice(1);
  }
  let namespace: string | undefined;
  if (rest[0] === "namespaces" && rest.length >= 3 && findResource(group, version, rest[2])?.namespaced) {
    namespace = rest[1];
    rest = rest.slice(2);
  }
  if (rest.length === 0 || rest.length > 3) return undefined;
  const type = findResource(group, version, rest[0]);
  if (!type) return undefined;
  if (namespace !== undefined && !type.namespaced) return undefined;
  const name = rest[1];
  if (name !== undefined && type.namespaced && namespace === undefined) return undefined;
  return { type, namespace, name, subresource: rest[2], watchPath };
}

function verbOf(method: string, target: Target, watch: boolean): string {
  if (target.subresource) {
    if (method === "GET") return "get";
    if (method === "POST") return "create";
    if (method === "PUT") return "update";
    if (method === "PATCH") return "patch";
    return method.toLowerCase();
  }
  switch (method) {
    case "GET":
      return watch ? "watch" : target.name ? "get" : "list";
    case "POST":
      return "create";
    case "PUT":
      return "update";
    case "PATCH":
      return "patch";
    case "DELETE":
      return target.name ? "delete" : "deletecollection";
    default:
      return method.toLowerCase();
  }
}

function checkAccess(cluster: SimCluster, t: ResourceType, verb: string, target: Target, who?: UserInfo): void {
  if (t.group === "authorization.k8s.io") return;
  const attrs = { verb, group: t.group, resource: t.resource, subresource: target.subresource, namespace: target.namespace, name: target.name };
  // An impersonated request is authorized as the impersonated user, by the cluster's RBAC.
  const denied = isImpersonated(who) ? !authorize(cluster, who, attrs).allowed : !!isDenied(cluster, attrs);
  if (!denied) return;
  const res = target.subresource ? `${t.resource}/${target.subresource}` : t.resource;
  const what = target.name ? `${t.group ? `${t.resource}.${t.group}` : t.resource} "${target.name}"` : t.group ? `${t.resource}.${t.group}` : t.resource;
  const scope = target.namespace ? ` in the namespace "${target.namespace}"` : " at the cluster scope";
  const err = forbidden(`${what} is forbidden: User "${who?.user ?? CONSOLE_USER}" cannot ${verb} resource "${res}" in API group "${t.group}"${scope}`);
  throw new ApiError(err.code, err.reason, err.message, { name: target.name, group: t.group, kind: t.resource });
}

function decodeSegment(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

export async function handleKubeRequest(world: World, cluster: SimCluster, req: IncomingMessage, res: ServerResponse, subpath: string): Promise<void> {
  try {
    await route(world, cluster, req, res, subpath);
  } catch (err) {
    if (!(err instanceof ApiError)) throw err;
    if (res.headersSent) {
      res.destroy();
      return;
    }
    sendError(res, err);
  }
}

async function route(world: World, cluster: SimCluster, req: IncomingMessage, res: ServerResponse, subpath: string): Promise<void> {
  const { query } = splitUrl(req.url ?? "/");
  let segs = subpath.split("/").filter(Boolean);
  // client-go fetches OpenAPI documents by serverRelativeURL with or without the client's
  // own path prefix (openapi3 useClientPrefix), so /clusters/<name>/ may arrive twice.
  if (segs[0] === "clusters" && segs[1] === cluster.name) segs = segs.slice(2);
  const method = req.method ?? "GET";

  if (segs.length === 0) {
    return sendObject(res, 200, { paths: ["/api", "/api/v1", "/apis", "/healthz", "/livez", "/openapi/v2", "/openapi/v3", "/readyz", "/version"] });
  }
  if (segs.length === 1 && ["healthz", "livez", "readyz"].includes(segs[0])) {
    res.writeHead(200, { "Content-Type": "text/plain; charset=utf-8" });
    res.end("ok");
    return;
  }
  if (segs.length === 1 && segs[0] === "version") return sendObject(res, 200, versionInfo(cluster));
  if (segs[0] === "openapi") return serveOpenApi(cluster, req, res, segs.slice(1));

  let group: string;
  let version: string;
  let rest: string[];
  if (segs[0] === "api") {
    if (segs.length === 1) return sendObject(res, 200, apiVersions());
    group = "";
    version = segs[1];
    rest = segs.slice(2);
  } else if (segs[0] === "apis") {
    if (segs.length === 1) return sendObject(res, 200, apiGroupList());
    if (segs.length === 2) {
      const g = apiGroup(segs[1]);
      if (!g) throw NOT_FOUND();
      return sendObject(res, 200, g);
    }
    group = segs[1];
    version = segs[2];
    rest = segs.slice(3);
  } else {
    throw NOT_FOUND();
  }
  if (rest.length === 0) {
    const list = apiResourceList(group, version);
    if (!list) throw NOT_FOUND();
    return sendObject(res, 200, list);
  }

  // nodes/<name>/proxy/<kubelet path…>: the one subresource with a path of its own.
  // The API server reads the decoded path, so a client that escapes the proxied path's slashes
  // (client-node's connect*NodeProxyWithPath sends checkpoint%2Fns%2F…) reaches the same place.
  const proxied =
    group === "" && version === "v1" && rest[0] === "nodes" && rest[2] === "proxy" && rest.length >= 3
      ? rest.slice(3).map(decodeSegment).join("/").split("/").filter(Boolean)
      : undefined;
  const target = proxied ? parseResourcePath(group, version, rest.slice(0, 3)) : parseResourcePath(group, version, rest);
  if (!target) throw NOT_FOUND();
  const { type } = target;
  const watch = target.watchPath || queryBool(query, "watch");
  const verb = verbOf(method, target, watch);
  const who = requestUser(req.headers);
  checkAccess(cluster, type, verb, target, who);
  // The request log counts a dry run as no write only where it is honoured: object verbs and
  // their status/scale/eviction/ephemeralcontainers subresources, not exec or the node proxy.
  if (!proxied && !CONNECT_SUBRESOURCES.has(target.subresource ?? "") && query.getAll("dryRun").includes("All")) markDryRun(res);

  let cached: Buffer | undefined;
  const ctx: RequestContext = {
    world,
    cluster,
    req,
    res,
    query,
    type,
    namespace: target.namespace,
    name: target.name,
    subresource: target.subresource,
    who,
    body: async () => (cached ??= await readBody(req)),
  };

  if (isProtobuf(req.headers["content-type"])) {
    // Everything past this point, registered subresources included, reads JSON.
    const json = Buffer.from(JSON.stringify(decodeProtobufObject(await ctx.body())));
    cached = json;
    req.headers["content-type"] = "application/json";
  }

  if (proxied) return handleNodeProxy(ctx, proxied);
  if (target.subresource) return routeSubresource(ctx);

  if (watch && method === "GET") {
    if (!type.verbs.includes("watch")) throw methodNotAllowed();
    if (target.name) ctx.query.set("fieldSelector", [ctx.query.get("fieldSelector"), `metadata.name=${target.name}`].filter(Boolean).join(","));
    return listOrWatch(ctx, true);
  }
  if (!type.verbs.includes(verb)) throw methodNotAllowed();
  switch (verb) {
    case "get":
      return getObject(ctx);
    case "list":
      return listOrWatch(ctx, false);
    case "create":
      if (target.name) throw methodNotAllowed();
      return createObject(ctx);
    case "update":
      if (!target.name) throw methodNotAllowed();
      return updateObject(ctx);
    case "patch":
      if (!target.name) throw methodNotAllowed();
      return patchObject(ctx);
    case "delete":
      return deleteOne(ctx);
    case "deletecollection":
      return deleteCollection(ctx);
    default:
      throw methodNotAllowed();
  }
}

async function routeSubresource(ctx: RequestContext): Promise<void> {
  const handler = findSubresource(ctx.type.key, ctx.subresource!);
  if (!handler) throw NOT_FOUND();
  // parseResourcePath only yields a subresource after a name.
  return handler({ ...ctx, name: ctx.name!, subresource: ctx.subresource! });
}

function serveOpenApi(cluster: SimCluster, req: IncomingMessage, res: ServerResponse, segs: string[]): void {
  if (segs[0] === "v2" && segs.length === 1) {
    const doc = openApiV2();
    if (!String(req.headers.accept ?? "").includes("protobuf")) return sendObject(res, 200, doc.json);
    res.writeHead(200, { "Content-Type": OPENAPI_V2_PROTOBUF, "Content-Length": doc.proto.length });
    res.end(doc.proto);
    return;
  }
  if (segs[0] !== "v3") throw NOT_FOUND();
  if (segs.length === 1) return sendObject(res, 200, openApiRoot(`/clusters/${cluster.name}`));
  let doc: Record<string, unknown> | undefined;
  if (segs[1] === "api" && segs.length === 3) doc = openApiGroupVersionDoc("", segs[2]);
  else if (segs[1] === "apis" && segs.length === 4) doc = openApiGroupVersionDoc(segs[2], segs[3]);
  if (!doc) throw NOT_FOUND();
  sendObject(res, 200, doc);
}

export function handleKubeUpgrade(world: World, cluster: SimCluster, req: IncomingMessage, socket: Duplex, head: Buffer, subpath: string): void {
  const reject = (status: number, text: string, body: Record<string, unknown>) => {
    const payload = JSON.stringify(body);
    socket.end(`HTTP/1.1 ${status} ${text}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(payload)}\r\n\r\n${payload}`);
  };
  try {
    const { query } = splitUrl(req.url ?? "/");
    const segs = subpath.split("/").filter(Boolean);
    let target: Target | undefined;
    if (segs[0] === "api") target = parseResourcePath("", segs[1] ?? "", segs.slice(2));
    else if (segs[0] === "apis") target = parseResourcePath(segs[1] ?? "", segs[2] ?? "", segs.slice(3));
    if (!target || !target.name || !target.subresource) {
      return reject(404, "Not Found", NOT_FOUND().toStatus());
    }
    const handler = findUpgradeHandler(target.type.key, target.subresource);
    if (!handler) return reject(404, "Not Found", NOT_FOUND().toStatus());
    try {
      checkAccess(cluster, target.type, "create", target, requestUser(req.headers));
      cluster.store.mustGet(target.type.key, target.namespace, target.name);
    } catch (err) {
      if (err instanceof ApiError) return reject(err.code, err.reason, err.toStatus());
      throw err;
    }
    handler(world, cluster, req, socket, head, { namespace: target.namespace, name: target.name, query });
  } catch (err) {
    logJson({ event: "upgrade-error", url: req.url, error: String((err as Error)?.stack ?? err) });
    socket.destroy();
  }
}
