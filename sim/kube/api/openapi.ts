import { createHash } from "node:crypto";
import { RESOURCE_TYPES, groupVersions, type ResourceType } from "../resources";
import { modelClassFor, SchemaSet, type Schema } from "./openapi-schemas";

// OpenAPI v3, only as much as kubectl reads: the root's per-group-version links and, per
// group version, the paths with their PATCH operations tagged by x-kubernetes-group-version-kind
// and declaring the `fieldValidation` query parameter. kubectl then leaves validation to this
// server (fieldValidation=Strict) instead of validating client-side, so type errors such as
// ERRATA 1 come back with the server's message. PATCH operations declare no request body, so
// `kubectl apply` computes strategic merge patches from its built-in types.
//
// /openapi/v2 (definitions only): openapi-v2.ts.

function gvPath(group: string, version: string): string {
  return group ? `apis/${group}/${version}` : `api/${version}`;
}

const QUERY_PARAMS = ["dryRun", "fieldManager", "fieldValidation", "force", "pretty"].map((name) => ({
  name,
  in: "query",
  description: name,
  schema: { type: name === "force" ? "boolean" : "string", uniqueItems: true },
}));

function schemaName(t: ResourceType): string {
  const g = t.group === "" ? "core" : t.group.replace(/\.k8s\.io$/, "");
  return `io.k8s.api.${g}.${t.version}.${t.kind}`;
}

function operations(t: ResourceType, list: boolean): Record<string, unknown> {
  const gvk = { group: t.group, version: t.version, kind: t.kind };
  const op = (verb: string, action: string, params: unknown[] = []) => ({
    description: `${verb} ${t.kind}`,
    operationId: `${verb}${t.kind}`,
    parameters: params,
    responses: { "200": { description: "OK", content: { "application/json": { schema: { $ref: `#/components/schemas/${schemaName(t)}` } } } } },
    "x-kubernetes-action": action,
    "x-kubernetes-group-version-kind": gvk,
  });
  const out: Record<string, unknown> = {};
  if (list) {
    if (t.verbs.includes("list")) out.get = op("list", "list");
    if (t.verbs.includes("create")) out.post = op("create", "post", QUERY_PARAMS);
    if (t.verbs.includes("deletecollection")) out.delete = op("deletecollection", "deletecollection");
  } else {
    if (t.verbs.includes("get")) out.get = op("read", "get");
    if (t.verbs.includes("update")) out.put = op("replace", "put", QUERY_PARAMS);
    if (t.verbs.includes("patch")) out.patch = op("patch", "patch", QUERY_PARAMS);
    if (t.verbs.includes("delete"))
      out.delete = op(
        "delete",
        "delete",
        QUERY_PARAMS.filter((p) => p.name === "dryRun"),
      );
  }
  return out;
}

export function openApiGroupVersionDoc(group: string, version: string): Record<string, unknown> | undefined {
  const key = `${group}/${version}`;
  const cached = docCache.get(key);
  if (cached) return cached;
  const types = RESOURCE_TYPES.filter((t) => t.group === group && t.version === version);
  if (!types.length) return undefined;
  const prefix = `/${gvPath(group, version)}`;
  const paths: Record<string, unknown> = {};
  for (const t of types) {
    const collection = t.namespaced ? `${prefix}/namespaces/{namespace}/${t.resource}` : `${prefix}/${t.resource}`;
    paths[collection] = operations(t, true);
    paths[`${collection}/{name}`] = operations(t, false);
  }
  const doc = {
    openapi: "3.0.0",
    info: { title: "Kubernetes", version: "v1.32.4" },
    paths,
    components: { schemas: kindSchemas(types, "#/components/schemas/") },
  };
  docCache.set(key, doc);
  return doc;
}

const docCache = new Map<string, Record<string, unknown>>();

/** Every served kind's schema with the models it reaches, each kind tagged with its group-version-kind (what kubectl explain looks up). */
export function kindSchemas(types: ResourceType[], ref: string): Record<string, Schema> {
  const fixed = new Map<string, string>();
  for (const t of types) {
    const cls = modelClassFor(t.kind, t.group);
    if (cls) fixed.set(cls, schemaName(t));
  }
  const set = new SchemaSet(ref, fixed);
  for (const t of types) {
    const gvk = { "x-kubernetes-group-version-kind": [{ group: t.group, version: t.version, kind: t.kind }] };
    const cls = modelClassFor(t.kind, t.group);
    if (cls) Object.assign(set.schemas[set.add(cls)], gvk);
    else
      set.schemas[schemaName(t)] = {
        description: t.kind,
        type: "object",
        properties: { apiVersion: { type: "string" }, kind: { type: "string" }, metadata: { type: "object" } },
        ...gvk,
      };
  }
  return set.schemas;
}

function hashOf(doc: unknown): string {
  return createHash("sha512").update(JSON.stringify(doc)).digest("hex").slice(0, 128).toUpperCase();
}

/**
 * The /openapi/v3 root. `basePath` is the cluster's prefix on this listener: client-go fetches
 * serverRelativeURL as an absolute path on the host, so it must carry the prefix.
 */
export function openApiRoot(basePath: string): Record<string, unknown> {
  const paths: Record<string, unknown> = {};
  for (const gv of groupVersions()) {
    const doc = openApiGroupVersionDoc(gv.group, gv.version);
    const p = gvPath(gv.group, gv.version);
    paths[p] = { serverRelativeURL: `${basePath}/openapi/v3/${p}?hash=${hashOf(doc)}` };
  }
  return { paths };
}
