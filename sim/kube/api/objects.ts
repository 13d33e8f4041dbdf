import type { IncomingMessage, ServerResponse } from "node:http";
import { ApiError, badRequest } from "../errors";
import { apiVersionOf, type ResourceType } from "../resources";
import type { KObject } from "../types";
import type { SimCluster } from "../cluster";
import type { World } from "../../world";
import { parseBody, strictDecodingError, typeCheck, unknownFields } from "./decode";
import { applyDefaults, defaultContainers } from "./defaults";
import { deleteObject, deleteOptionsFrom, type DeleteOptions } from "./delete";
import { listObjects } from "./list";
import { recordUpdate, serverSideApply } from "./apply";
import { applyPatch, patchMetaFor, patchTypeOf } from "./patch";
import { queryBool } from "./query";
import { negotiate, sendList, sendObject, sendOne } from "./respond";
import { reviewAccess, reviewRules, reviewSubjectAccess } from "./access-review";
import type { UserInfo } from "../rbac";
import { validateEphemeralUpdate, validateObject, validateUpdate } from "./validate";
import { serveWatch } from "./watch";

// The verbs on objects: get, list, watch, create, update, patch, delete, deletecollection, and
// the status subresource (same object, only .status written). Every mutation decodes, defaults
// and validates as the API server does before the store sees it; dryRun=All stops short of it.

export interface RequestContext {
  world: World;
  cluster: SimCluster;
  req: IncomingMessage;
  res: ServerResponse;
  query: URLSearchParams;
  type: ResourceType;
  namespace: string | undefined;
  name: string | undefined;
  subresource: string | undefined;
  /** Who the request acts as when it carries Impersonate-User; undefined: the console itself. */
  who?: UserInfo;
  body(): Promise<Buffer>;
}

/** Kinds whose status is written only through /status (the main endpoint keeps it). */
const STATUS_KINDS = new Set([
  "pods",
  "nodes",
  "namespaces",
  "services",
  "apps/deployments",
  "apps/replicasets",
  "apps/daemonsets",
  "apps/statefulsets",
  "batch/jobs",
  "policy/poddisruptionbudgets",
]);

export function hasStatusSubresource(key: string): boolean {
  return STATUS_KINDS.has(key);
}

export function isDryRun(query: URLSearchParams): boolean {
  const values = query.getAll("dryRun");
  if (!values.length) return false;
  for (const v of values) if (v !== "All") throw badRequest(`Invalid dry run value: ${v}`);
  return true;
}

function fieldValidation(query: URLSearchParams): "Strict" | "Warn" | "Ignore" {
  const v = query.get("fieldValidation") ?? "";
  if (v === "" || v === "Warn") return "Warn";
  if (v === "Strict" || v === "Ignore") return v;
  throw badRequest(`fieldValidation parameter unsupported: ${v}, allowed values: Ignore, Warn, Strict`);
}

/** The field manager a write is recorded under: ?fieldManager=, else the client's User-Agent up to its first "/", as the API server defaults it. */
function fieldManagerOf(ctx: RequestContext): string {
  const explicit = ctx.query.get("fieldManager");
  if (explicit !== null) {
    if (explicit.length > 128) throw badRequest(`fieldManager: Too long: must have at most 128 bytes`);
    return explicit;
  }
  const agent = String(ctx.req.headers["user-agent"] ?? "");
  return agent.split("/")[0] || "unknown";
}

/** managedFields after an Update by this request's manager (create, PUT, a non-apply PATCH). */
function withUpdateOwnership(ctx: RequestContext, current: KObject | undefined, next: KObject): void {
  const t = ctx.type;
  const entries = recordUpdate(current, next, fieldManagerOf(ctx), patchMetaFor(t.key), apiVersionOf(t), ctx.world.clock.isoNow());
  if (entries.length) next.metadata.managedFields = entries;
  else delete next.metadata.managedFields;
}

async function decodeObject(ctx: RequestContext): Promise<KObject> {
  const raw = parseBody(await ctx.body(), ctx.req.headers["content-type"]);
  const t = ctx.type;
  if (!raw || typeof raw !== "object" || Array.isArray(raw)) throw badRequest(`Object 'Kind' is missing in '${JSON.stringify(raw)}'`);
  const obj = raw as KObject;
  const typeErr = typeCheck(t, obj);
  if (typeErr) throw typeErr;
  if (obj.kind !== undefined && obj.kind !== t.kind && ctx.subresource !== "status") {
    throw badRequest(`the API version in the data (${obj.apiVersion}) does not match the expected API version (${apiVersionOf(t)})`);
  }
  if (obj.apiVersion !== undefined && obj.apiVersion !== apiVersionOf(t)) {
    throw badRequest(`the API version in the data (${obj.apiVersion}) does not match the expected API version (${apiVersionOf(t)})`);
  }
  if (fieldValidation(ctx.query) === "Strict") {
    const unknown = unknownFields(t, obj as Record<string, unknown>);
    if (unknown.length) throw strictDecodingError(unknown);
  }
  obj.metadata ??= { name: "" };
  if (typeof obj.metadata !== "object") throw badRequest("metadata must be an object");
  return obj;
}

function checkNamespace(ctx: RequestContext, obj: KObject): void {
  if (!ctx.type.namespaced) return;
  if (obj.metadata.namespace && ctx.namespace && obj.metadata.namespace !== ctx.namespace) {
    throw badRequest("the namespace of the provided object does not match the namespace sent on the request");
  }
  if (ctx.namespace) obj.metadata.namespace = ctx.namespace;
}

export function getObject(ctx: RequestContext): void {
  const obj = ctx.cluster.store.mustGet(ctx.type.key, ctx.namespace, ctx.name!);
  sendOne(ctx.res, negotiate(ctx.req, ctx.query), ctx.type.key, obj, ctx.world.clock.now());
}

export function listOrWatch(ctx: RequestContext, watch: boolean): void {
  const n = negotiate(ctx.req, ctx.query);
  if (watch) {
    return serveWatch(ctx.world, ctx.cluster, ctx.type, ctx.req, ctx.res, {
      namespace: ctx.namespace,
      query: ctx.query,
      table: n.as === "Table" ? { include: n.include } : undefined,
    });
  }
  const result = listObjects(ctx.world, ctx.cluster, ctx.type, ctx.namespace, ctx.query);
  sendList(
    ctx.res,
    n,
    { kind: ctx.type.listKind, apiVersion: apiVersionOf(ctx.type), resourceKey: ctx.type.key, items: result.items, metadata: result.metadata },
    ctx.world.clock.now(),
  );
}

/** A new object (POST, or an apply that creates) as the store should see it: server-set metadata dropped, defaults applied, validated. */
function prepareNew(ctx: RequestContext, obj: KObject): void {
  for (const k of ["uid", "resourceVersion", "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds", "generation", "selfLink"]) {
    delete (obj.metadata as Record<string, unknown>)[k];
  }
  applyDefaults(ctx.world, ctx.cluster, ctx.type.key, obj);
  validateObject(ctx.type, obj);
}

export async function createObject(ctx: RequestContext): Promise<void> {
  const t = ctx.type;
  const dryRun = isDryRun(ctx.query);
  const obj = await decodeObject(ctx);
  if (t.key === "authorization.k8s.io/selfsubjectaccessreviews") return sendObject(ctx.res, 201, reviewAccess(ctx.cluster, obj, ctx.who));
  if (t.key === "authorization.k8s.io/subjectaccessreviews") return sendObject(ctx.res, 201, reviewSubjectAccess(ctx.cluster, obj));
  if (t.key === "authorization.k8s.io/selfsubjectrulesreviews") return sendObject(ctx.res, 201, reviewRules(ctx.cluster, obj));
  checkNamespace(ctx, obj);
  if (t.namespaced && !obj.metadata.namespace) obj.metadata.namespace = "default";
  prepareNew(ctx, obj);
  withUpdateOwnership(ctx, undefined, obj);
  const created = ctx.cluster.store.create(t.key, obj, { dryRun });
  sendObject(ctx.res, 201, created);
}

/** Shared tail of PUT and PATCH: status handling, defaults, validation, store update. */
function storeUpdate(ctx: RequestContext, current: KObject, next: KObject, dryRun: boolean, ownership: "update" | "applied" = "update"): KObject {
  const t = ctx.type;
  if (next.metadata.name !== current.metadata.name) {
    throw badRequest(`the name of the object (${next.metadata.name}) does not match the name on the URL (${current.metadata.name})`);
  }
  if (t.namespaced && next.metadata.namespace && next.metadata.namespace !== current.metadata.namespace) {
    throw badRequest("the namespace of the provided object does not match the namespace sent on the request");
  }
  let obj = next;
  if (ctx.subresource === "ephemeralcontainers") {
    // Only spec.ephemeralContainers is written here; the rest of the pod stays as stored.
    obj = structuredClone(current) as KObject;
    const added = next.spec?.ephemeralContainers;
    if (added === undefined || added === null || (Array.isArray(added) && !added.length)) delete obj.spec.ephemeralContainers;
    else obj.spec.ephemeralContainers = structuredClone(added);
    obj.metadata.resourceVersion = next.metadata.resourceVersion;
    defaultContainers(obj.spec.ephemeralContainers);
    validateEphemeralUpdate(current, obj);
    return ctx.cluster.store.update(t.key, obj, { dryRun });
  }
  if (t.key === "pods") {
    // The main endpoint never changes ephemeral containers (the pod strategy keeps the old ones).
    if (current.spec?.ephemeralContainers) next.spec = { ...(next.spec ?? {}), ephemeralContainers: structuredClone(current.spec.ephemeralContainers) };
    else if (next.spec) delete next.spec.ephemeralContainers;
  }
  if (ctx.subresource === "status") {
    // Status writes change .status only (metav1.ResetObjectMetaForStatus keeps the rest).
    obj = { ...structuredClone(current), status: next.status } as KObject;
    obj.metadata.resourceVersion = next.metadata.resourceVersion;
  } else if (hasStatusSubresource(t.key)) {
    if (current.status === undefined) delete obj.status;
    else obj.status = structuredClone(current.status);
  }
  // Set by the server only: a client cannot start or stop a deletion through an update.
  const meta = obj.metadata;
  if (current.metadata.deletionTimestamp) {
    meta.deletionTimestamp = current.metadata.deletionTimestamp;
    meta.deletionGracePeriodSeconds = current.metadata.deletionGracePeriodSeconds;
  } else {
    delete meta.deletionTimestamp;
    delete meta.deletionGracePeriodSeconds;
  }
  meta.generation = current.metadata.generation;
  if (meta.generation === undefined) delete meta.generation;
  applyDefaults(ctx.world, ctx.cluster, t.key, obj, current);
  validateObject(t, obj);
  validateUpdate(t, current, obj);
  if (ctx.subresource === "status") obj.metadata.managedFields = current.metadata.managedFields;
  else if (ownership === "update") withUpdateOwnership(ctx, current, obj);
  const stored = ctx.cluster.store.update(t.key, obj, { dryRun });
  // The last finalizer removed from a deleted object lets it go (pods wait for their kubelet).
  if (!dryRun && t.key !== "pods" && stored.metadata.deletionTimestamp && !stored.metadata.finalizers?.length) {
    return ctx.cluster.store.remove(t.key, stored.metadata.namespace, stored.metadata.name);
  }
  return stored;
}

export async function updateObject(ctx: RequestContext): Promise<void> {
  const dryRun = isDryRun(ctx.query);
  const current = ctx.cluster.store.mustGet(ctx.type.key, ctx.namespace, ctx.name!);
  const next = await decodeObject(ctx);
  if (!next.metadata.namespace && ctx.type.namespaced) next.metadata.namespace = current.metadata.namespace;
  checkNamespace(ctx, next);
  if (!next.metadata.name) next.metadata.name = ctx.name!;
  const stored = storeUpdate(ctx, current, next, dryRun);
  sendObject(ctx.res, 200, stored);
}

export async function patchObject(ctx: RequestContext): Promise<void> {
  const t = ctx.type;
  const dryRun = isDryRun(ctx.query);
  fieldValidation(ctx.query);
  const kind = patchTypeOf(ctx.req.headers["content-type"]);
  if (kind === "apply") return applyObject(ctx, dryRun);
  const current = ctx.cluster.store.mustGet(t.key, ctx.namespace, ctx.name!);
  const patched = applyPatch(kind, t.key, structuredClone(current) as KObject, await ctx.body());
  if (!patched || typeof patched !== "object" || Array.isArray(patched)) throw badRequest("the patch did not produce an object");
  const typeErr = typeCheck(t, patched);
  if (typeErr) throw typeErr;
  patched.metadata ??= { name: current.metadata.name };
  if (patched.metadata.name === undefined) patched.metadata.name = current.metadata.name;
  if (t.namespaced && patched.metadata.namespace === undefined) patched.metadata.namespace = current.metadata.namespace;
  // A resourceVersion the patch does not set is not a precondition.
  if (patched.metadata.resourceVersion === undefined) patched.metadata.resourceVersion = current.metadata.resourceVersion;
  const stored = storeUpdate(ctx, current, patched, dryRun);
  sendObject(ctx.res, 200, stored);
}

/** Server-side apply (PATCH application/apply-patch+yaml): creates the object when absent, else merges by field ownership (apply.ts). */
async function applyObject(ctx: RequestContext, dryRun: boolean): Promise<void> {
  const t = ctx.type;
  if (ctx.subresource) throw badRequest("server-side apply of a subresource is not simulated");
  const manager = ctx.query.get("fieldManager");
  if (!manager) throw badRequest("PATCH requests with apply patch type require a fieldManager");
  const applied = await decodeObject(ctx);
  if (applied.metadata.name && applied.metadata.name !== ctx.name) {
    throw badRequest(`the name of the object (${applied.metadata.name}) does not match the name on the URL (${ctx.name})`);
  }
  applied.metadata.name = ctx.name!;
  checkNamespace(ctx, applied);
  const current = ctx.cluster.store.get(t.key, ctx.namespace, ctx.name!);
  const merged = serverSideApply({
    current: current as Record<string, unknown> | undefined,
    applied: applied as Record<string, unknown>,
    manager,
    force: queryBool(ctx.query, "force"),
    meta: patchMetaFor(t.key),
    apiVersion: apiVersionOf(t),
    time: ctx.world.clock.isoNow(),
  }) as KObject;
  if (!current) {
    prepareNew(ctx, merged);
    return sendObject(ctx.res, 201, ctx.cluster.store.create(t.key, merged, { dryRun }));
  }
  // A resourceVersion in the configuration is a precondition; otherwise apply never conflicts on it.
  merged.metadata.resourceVersion = applied.metadata.resourceVersion ?? current.metadata.resourceVersion;
  sendObject(ctx.res, 200, storeUpdate(ctx, current, merged, dryRun, "applied"));
}

/** DeleteOptions from the query and an optional JSON body, as both delete doors read them. */
async function deleteOptionsOf(ctx: RequestContext): Promise<DeleteOptions> {
  const text = (await ctx.body()).toString("utf8").trim();
  let body: unknown;
  if (text) {
    try {
      body = JSON.parse(text);
    } catch {
      throw badRequest("DeleteOptions could not be decoded");
    }
  }
  return deleteOptionsFrom(ctx.query, body);
}

export async function deleteOne(ctx: RequestContext): Promise<void> {
  const options = await deleteOptionsOf(ctx);
  const t = ctx.type;
  const result = deleteObject(ctx.world, ctx.cluster, t, ctx.namespace, ctx.name!, options);
  // Pods and namespaces answer with the object (Terminating or gone); others with a Status.
  if (t.key === "pods" || t.key === "namespaces" || !result.removed) return sendObject(ctx.res, 200, result.object);
  sendObject(ctx.res, 200, {
    kind: "Status",
    apiVersion: "v1",
    metadata: {},
    status: "Success",
    details: { name: result.object.metadata.name, group: t.group || undefined, kind: t.resource, uid: result.object.metadata.uid },
  });
}

export async function deleteCollection(ctx: RequestContext): Promise<void> {
  const options = await deleteOptionsOf(ctx);
  const query = new URLSearchParams(ctx.query);
  query.delete("limit");
  query.delete("continue");
  const { items } = listObjects(ctx.world, ctx.cluster, ctx.type, ctx.namespace, query);
  for (const obj of items) {
    try {
      deleteObject(ctx.world, ctx.cluster, ctx.type, obj.metadata.namespace, obj.metadata.name, options);
    } catch (err) {
      // Already taken by a cascade from an earlier item.
      if (!(err instanceof ApiError && err.code === 404)) throw err;
    }
  }
  sendObject(ctx.res, 200, { kind: "Status", apiVersion: "v1", metadata: {}, status: "Success" });
}
