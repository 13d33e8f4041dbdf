import { ApiError } from "../../errors";

// Strategic merge patch (k8s.io/apimachinery/pkg/util/strategicpatch) for the kinds served
// here. Lists merge by the `patchMergeKey` the Go types declare; lists without one are replaced,
// as tolerations, taints and NetworkPolicy rules are on a real server. Directives: `$patch`
// (replace|delete|merge), `$retainKeys`, `$setElementOrder/<list>`,
// `$deleteFromPrimitiveList/<list>`; `null` deletes a key.

type Json = unknown;
type JsonMap = Record<string, Json>;

export interface FieldMeta {
  /** "merge" lists merge by `key` (or as a set when primitive); others are replaced. */
  list?: "merge";
  key?: string;
  /** Map fields of list elements or nested maps. */
  fields?: TypeMeta;
  retainKeys?: boolean;
}
export type TypeMeta = Record<string, FieldMeta>;

const OBJECT_META: TypeMeta = {
  ownerReferences: { list: "merge", key: "uid" },
  finalizers: { list: "merge" },
};
const CONTAINER: TypeMeta = {
  ports: { list: "merge", key: "containerPort" },
  env: { list: "merge", key: "name" },
  volumeMounts: { list: "merge", key: "mountPath" },
  volumeDevices: { list: "merge", key: "devicePath" },
};
const POD_SPEC: TypeMeta = {
  containers: { list: "merge", key: "name", fields: CONTAINER },
  initContainers: { list: "merge", key: "name", fields: CONTAINER },
  ephemeralContainers: { list: "merge", key: "name", fields: CONTAINER },
  volumes: { list: "merge", key: "name", retainKeys: true },
  imagePullSecrets: { list: "merge", key: "name" },
  hostAliases: { list: "merge", key: "ip" },
  topologySpreadConstraints: { list: "merge", key: "topologyKey" },
  resourceClaims: { list: "merge", key: "name" },
  schedulingGates: { list: "merge", key: "name" },
};
const POD_TEMPLATE: TypeMeta = { metadata: { fields: OBJECT_META }, spec: { fields: POD_SPEC } };
const CONDITIONS: TypeMeta = { conditions: { list: "merge", key: "type" } };

function kind(spec?: TypeMeta, status?: TypeMeta): TypeMeta {
  return {
    metadata: { fields: OBJECT_META },
    ...(spec ? { spec: { fields: spec } } : {}),
    ...(status ? { status: { fields: status } } : {}),
  };
}

const BY_RESOURCE: Record<string, TypeMeta> = {
  pods: kind(POD_SPEC, CONDITIONS),
  nodes: kind({ podCIDRs: { list: "merge" } }, { conditions: { list: "merge", key: "type" }, addresses: { list: "merge", key: "type" } }),
  namespaces: kind(undefined, CONDITIONS),
  services: kind({ ports: { list: "merge", key: "port" } }, CONDITIONS),
  "apps/deployments": kind({ template: { fields: POD_TEMPLATE }, strategy: { retainKeys: true } }, CONDITIONS),
  "apps/replicasets": kind({ template: { fields: POD_TEMPLATE } }, CONDITIONS),
  "apps/daemonsets": kind({ template: { fields: POD_TEMPLATE }, updateStrategy: { retainKeys: true } }, CONDITIONS),
  "apps/statefulsets": kind({ template: { fields: POD_TEMPLATE } }, CONDITIONS),
  "batch/jobs": kind({ template: { fields: POD_TEMPLATE } }, CONDITIONS),
  "policy/poddisruptionbudgets": kind(undefined, CONDITIONS),
};

export function patchMetaFor(resourceKey: string): TypeMeta {
  return BY_RESOURCE[resourceKey] ?? kind();
}

const DIRECTIVE = "$patch";
const RETAIN_KEYS = "$retainKeys";
const SET_ORDER = "$setElementOrder/";
const DELETE_PRIMITIVE = "$deleteFromPrimitiveList/";

function isMap(v: Json): v is JsonMap {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function bad(message: string): ApiError {
  return new ApiError(400, "BadRequest", message);
}

export function applyStrategicMergePatch<T>(original: T, patch: unknown, meta: TypeMeta): T {
  if (!isMap(patch)) throw bad("json: cannot unmarshal array into Go value of type map[string]interface {}");
  const base = isMap(original) ? structuredClone(original) : {};
  const out = mergeMap(base, patch, meta);
  return (out ?? {}) as T;
}

/** Returns undefined when the map is to be deleted (`$patch: delete`). */
function mergeMap(original: JsonMap, patch: JsonMap, meta: TypeMeta): JsonMap | undefined {
  const directive = patch[DIRECTIVE];
  if (directive === "delete") return undefined;
  if (directive === "replace") return clean(patch, meta) as JsonMap;
  if (directive !== undefined && directive !== "merge") throw bad(`Unknown patch type: ${String(directive)}`);

  const retain = patch[RETAIN_KEYS];
  if (retain !== undefined) {
    if (!Array.isArray(retain)) throw bad("$retainKeys must be a list of strings");
    for (const k of Object.keys(original)) if (!retain.includes(k)) delete original[k];
    for (const k of Object.keys(patch)) {
      if (k.startsWith("$")) continue;
      if (!retain.includes(k)) throw bad(`The $retainKeys directive does not contain the key ${k}`);
    }
  }

  const orders: [string, Json[]][] = [];
  for (const [k, v] of Object.entries(patch)) {
    if (k === DIRECTIVE || k === RETAIN_KEYS) continue;
    if (k.startsWith(SET_ORDER)) {
      if (!Array.isArray(v)) throw bad(`${k} must be a list`);
      orders.push([k.slice(SET_ORDER.length), v]);
      continue;
    }
    if (k.startsWith(DELETE_PRIMITIVE)) {
      const field = k.slice(DELETE_PRIMITIVE.length);
      if (!Array.isArray(v)) throw bad(`${k} must be a list`);
      const cur = original[field];
      if (Array.isArray(cur)) original[field] = cur.filter((x) => !v.some((d) => equal(d, x)));
      continue;
    }
    const fieldMeta = meta[k] ?? {};
    if (v === null) {
      delete original[k];
      continue;
    }
    const cur = original[k];
    if (isMap(v)) {
      if (v[DIRECTIVE] === "delete") {
        delete original[k];
        continue;
      }
      const merged = mergeMap(isMap(cur) ? cur : {}, v, fieldMeta.fields ?? {});
      if (merged === undefined) delete original[k];
      else original[k] = merged;
    } else if (Array.isArray(v)) {
      original[k] = mergeList(Array.isArray(cur) ? cur : [], v, fieldMeta, k);
    } else {
      original[k] = v;
    }
  }

  for (const [field, order] of orders) {
    const cur = original[field];
    if (Array.isArray(cur)) original[field] = applyOrder(cur, order, meta[field] ?? {});
  }
  return original;
}

function mergeList(original: Json[], patch: Json[], meta: FieldMeta, field: string): Json[] {
  const replaceAll = patch.some((e) => isMap(e) && e[DIRECTIVE] === "replace" && Object.keys(e).length === 1);
  const items = patch.filter((e) => !(isMap(e) && e[DIRECTIVE] === "replace" && Object.keys(e).length === 1));
  if (replaceAll || meta.list !== "merge") return items.map((e) => clean(e, meta.fields ?? {}));

  if (!meta.key) {
    // A merging list of primitives is a set union that keeps the original order.
    const out = [...original];
    for (const e of items) if (!out.some((x) => equal(x, e))) out.push(e);
    return out;
  }

  const key = meta.key;
  const out = [...original];
  for (const e of items) {
    if (!isMap(e)) throw bad(`${field}: list element is not a map, but the list merges by key ${key}`);
    if (!(key in e)) throw bad(`map: ${JSON.stringify(e)} does not contain declared merge key: ${key}`);
    const idx = out.findIndex((x) => isMap(x) && equal(x[key], e[key]));
    if (e[DIRECTIVE] === "delete") {
      if (idx >= 0) {
        const k = e[key];
        for (let i = out.length - 1; i >= 0; i--) if (isMap(out[i]) && equal((out[i] as JsonMap)[key], k)) out.splice(i, 1);
      }
      continue;
    }
    if (idx >= 0) {
      const merged = mergeMap(structuredClone(out[idx] as JsonMap), e, meta.fields ?? {});
      if (merged === undefined) out.splice(idx, 1);
      else out[idx] = merged;
    } else {
      out.push(clean(e, meta.fields ?? {}));
    }
  }
  return out;
}

function applyOrder(list: Json[], order: Json[], meta: FieldMeta): Json[] {
  const keyOf = (e: Json): Json => (meta.key && isMap(e) ? e[meta.key] : e);
  const orderKeys = order.map((o) => (meta.key && isMap(o) ? o[meta.key] : o));
  const rank = (e: Json): number => {
    const i = orderKeys.findIndex((k) => equal(k, keyOf(e)));
    return i < 0 ? Number.MAX_SAFE_INTEGER : i;
  };
  return list
    .map((e, i) => ({ e, i, r: rank(e) }))
    .sort((a, b) => a.r - b.r || a.i - b.i)
    .map((x) => x.e);
}

/** A patch value that lands where nothing was: directives applied against an empty original. */
function clean(v: Json, meta: TypeMeta): Json {
  if (isMap(v)) {
    if (v[DIRECTIVE] === "replace") {
      const copy: JsonMap = {};
      for (const [k, x] of Object.entries(v)) if (k !== DIRECTIVE) copy[k] = clean(x, meta[k]?.fields ?? {});
      return copy;
    }
    return mergeMap({}, v, meta) ?? {};
  }
  if (Array.isArray(v)) return v.map((e) => clean(e, meta));
  return v;
}

function equal(a: Json, b: Json): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
