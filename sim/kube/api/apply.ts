import { ApiError } from "../errors";
import type { FieldMeta, TypeMeta } from "./patch/strategic";

// Field ownership as server-side apply keeps it (metadata.managedFields, FieldsV1):
//   {"f:spec":{"f:replicas":{},"f:template":{"f:spec":{"f:containers":{"k:{\"name\":\"app\"}":{".":{},"f:image":{}}}}}}}
// Maps nest by field, keyed lists (containers by name, ports by containerPort, …: the same
// merge keys strategic merge patch uses) nest by `k:{key}` with "." for the element itself,
// primitive sets by `v:<json>`; anything else (scalars, atomic lists) is a leaf `{}`.
// The identity fields (apiVersion, kind, name, namespace, …) and status are nobody's.

type Json = unknown;
type JsonMap = Record<string, Json>;
export type Fields = { [k: string]: Fields };

export interface ManagedFieldsEntry {
  manager: string;
  operation: "Apply" | "Update";
  apiVersion: string;
  time: string;
  fieldsType: "FieldsV1";
  fieldsV1: Fields;
  subresource?: string;
}

const UNOWNED_TOP = new Set(["apiVersion", "kind", "status"]);
const UNOWNED_META = new Set([
  "name",
  "namespace",
  "uid",
  "resourceVersion",
  "generation",
  "creationTimestamp",
  "deletionTimestamp",
  "deletionGracePeriodSeconds",
  "managedFields",
  "selfLink",
]);

function isMap(v: Json): v is JsonMap {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function itemKey(item: Json, meta: FieldMeta): string | undefined {
  if (meta.key) return isMap(item) && item[meta.key] !== undefined ? `k:${JSON.stringify({ [meta.key]: item[meta.key] })}` : undefined;
  return `v:${JSON.stringify(item)}`;
}

function mapFields(value: JsonMap, meta: TypeMeta, skip?: Set<string>): Fields {
  const out: Fields = {};
  for (const [k, v] of Object.entries(value)) {
    if (skip?.has(k) || v === undefined) continue;
    out[`f:${k}`] = valueFields(v, meta[k]);
  }
  return out;
}

function valueFields(v: Json, meta: FieldMeta | undefined): Fields {
  if (isMap(v)) return Object.keys(v).length ? mapFields(v, meta?.fields ?? {}) : {};
  if (Array.isArray(v) && meta?.list === "merge") {
    const out: Fields = {};
    for (const item of v) {
      const key = itemKey(item, meta);
      if (key === undefined) continue;
      out[key] = meta.key && isMap(item) ? { ".": {}, ...mapFields(item, meta.fields ?? {}) } : {};
    }
    return out;
  }
  return {};
}

/** The fields an object (or an applied configuration) sets. */
export function fieldsOf(obj: JsonMap, meta: TypeMeta): Fields {
  const out = mapFields(obj, meta, UNOWNED_TOP);
  if (isMap(obj.metadata)) {
    const m = mapFields(obj.metadata, meta.metadata?.fields ?? {}, UNOWNED_META);
    if (Object.keys(m).length) out["f:metadata"] = m;
    else delete out["f:metadata"];
  }
  return out;
}

/** Every owned path, as a list of FieldsV1 segments ending at a leaf or an element's ".". */
export function leafPaths(f: Fields, prefix: string[] = []): string[][] {
  const out: string[][] = [];
  for (const [k, sub] of Object.entries(f)) {
    if (k === ".") continue;
    const path = [...prefix, k];
    if (Object.keys(sub).length === 0) out.push(path);
    else out.push(...leafPaths(sub, path));
  }
  return out;
}

/** Paths to keyed list elements (`k:{…}`), outermost first. */
function elementPaths(f: Fields, prefix: string[] = []): string[][] {
  const out: string[][] = [];
  for (const [k, sub] of Object.entries(f)) {
    const path = [...prefix, k];
    if (k.startsWith("k:")) out.push(path);
    out.push(...elementPaths(sub, path));
  }
  return out;
}

function has(f: Fields, path: string[]): boolean {
  let cur: Fields | undefined = f;
  for (const seg of path) {
    cur = cur?.[seg];
    if (!cur) return false;
  }
  return true;
}

export function withoutPaths(f: Fields, paths: string[][]): Fields {
  const out = structuredClone(f);
  for (const path of paths) {
    const trail: Fields[] = [out];
    for (const seg of path.slice(0, -1)) {
      const next = trail[trail.length - 1][seg];
      if (!next) break;
      trail.push(next);
    }
    if (trail.length !== path.length) continue;
    delete trail[trail.length - 1][path[path.length - 1]];
    // Prune parents left empty (a list element left with only "." goes too).
    for (let i = trail.length - 1; i > 0; i--) {
      const keys = Object.keys(trail[i]);
      if (keys.length === 0 || (keys.length === 1 && keys[0] === ".")) delete trail[i - 1][path[i - 1]];
      else break;
    }
  }
  return out;
}

/** The value at a FieldsV1 path, or undefined when the object has none there. */
function valueAt(obj: Json, path: string[]): Json {
  let cur: Json = obj;
  for (const seg of path) {
    if (cur === undefined) return undefined;
    if (seg.startsWith("f:")) cur = isMap(cur) ? cur[seg.slice(2)] : undefined;
    else if (seg.startsWith("k:")) {
      const want = JSON.parse(seg.slice(2)) as JsonMap;
      cur = Array.isArray(cur)
        ? cur.find((item) => isMap(item) && Object.entries(want).every(([k, v]) => JSON.stringify(item[k]) === JSON.stringify(v)))
        : undefined;
    } else if (seg.startsWith("v:")) {
      const want = seg.slice(2);
      cur = Array.isArray(cur) && cur.some((item) => JSON.stringify(item) === want) ? JSON.parse(want) : undefined;
    }
  }
  return cur;
}

/** `.spec.template.spec.containers[name="app"].image`, as the API server prints a conflicting path. */
export function pathString(path: string[]): string {
  return path
    .map((seg) => {
      if (seg.startsWith("f:")) return `.${seg.slice(2)}`;
      if (seg.startsWith("k:")) {
        const key = JSON.parse(seg.slice(2)) as JsonMap;
        return `[${Object.entries(key)
          .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
          .join(",")}]`;
      }
      return `[=${seg.slice(2)}]`;
    })
    .join("");
}

function same(a: Json, b: Json): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Sets the applied configuration's values over `base`: maps and keyed lists merge, everything else is replaced. */
function mergeApplied(base: Json, applied: Json, meta: FieldMeta | undefined): Json {
  if (isMap(applied) && isMap(base)) {
    const out: JsonMap = { ...base };
    for (const [k, v] of Object.entries(applied)) out[k] = mergeApplied(base[k], v, meta?.fields?.[k]);
    return out;
  }
  if (Array.isArray(applied) && Array.isArray(base) && meta?.list === "merge" && meta.key) {
    const out = [...base];
    for (const item of applied) {
      const key = itemKey(item, meta);
      const at = out.findIndex((b) => itemKey(b, meta) === key);
      if (at >= 0) out[at] = mergeApplied(out[at], item, meta);
      else out.push(structuredClone(item));
    }
    return out;
  }
  if (Array.isArray(applied) && Array.isArray(base) && meta?.list === "merge") {
    const out = [...base];
    for (const item of applied) if (!out.some((b) => same(b, item))) out.push(structuredClone(item));
    return out;
  }
  return structuredClone(applied);
}

/** Removes what sits at each path (a field, a keyed element, a set member). */
function removeAt(obj: JsonMap, path: string[]): void {
  const parentPath = path.slice(0, -1);
  const last = path[path.length - 1];
  const parent = parentPath.length ? valueAt(obj, parentPath) : obj;
  if (last.startsWith("f:") && isMap(parent)) delete parent[last.slice(2)];
  else if (Array.isArray(parent)) {
    const victim = valueAt(obj, path);
    const at = parent.findIndex((x) => x === victim || (last.startsWith("v:") && same(x, victim)));
    if (at >= 0) parent.splice(at, 1);
  }
}

export interface ApplyInput {
  /** The stored object, or undefined when this apply creates it. */
  current: JsonMap | undefined;
  applied: JsonMap;
  manager: string;
  force: boolean;
  meta: TypeMeta;
  apiVersion: string;
  time: string;
}

/**
 * Server-side apply: the applied configuration's fields become `manager`'s; a field another
 * manager owns with a different value is a 409 conflict unless `force` (then it changes hands);
 * fields this manager applied before and no longer applies are removed unless someone else
 * owns them. Returns the new object with its managedFields.
 */
export function serverSideApply(input: ApplyInput): JsonMap {
  const { current, applied, manager, meta } = input;
  if (isMap(applied.metadata) && applied.metadata.managedFields !== undefined) {
    throw new ApiError(400, "BadRequest", "metadata.managedFields must be nil");
  }
  const entries = ((isMap(current?.metadata) ? current.metadata.managedFields : undefined) as ManagedFieldsEntry[] | undefined) ?? [];
  const appliedFields = fieldsOf(applied, meta);
  const appliedPaths = leafPaths(appliedFields);
  const conflicts: { manager: string; apiVersion: string; path: string[] }[] = [];
  for (const e of entries) {
    if (e.manager === manager && e.operation === "Apply") continue;
    for (const path of appliedPaths) {
      if (has(e.fieldsV1, path) && !same(valueAt(current, path), valueAt(applied, path)))
        conflicts.push({ manager: e.manager, apiVersion: e.apiVersion, path });
    }
  }
  if (conflicts.length && !input.force) throw conflictError(conflicts);

  const previous = entries.find((e) => e.manager === manager && e.operation === "Apply");
  const others = entries
    .filter((e) => e !== previous)
    .map((e) => ({
      ...e,
      fieldsV1: withoutPaths(
        e.fieldsV1,
        conflicts.filter((c) => c.manager === e.manager).map((c) => c.path),
      ),
    }))
    .filter((e) => leafPaths(e.fieldsV1).length > 0);

  const next = structuredClone(current ?? {}) as JsonMap;
  if (previous) {
    const unowned = (p: string[]) => !has(appliedFields, p) && !others.some((e) => has(e.fieldsV1, p));
    // A keyed element nobody holds any more goes whole; other fields go one by one.
    const elements = elementPaths(previous.fieldsV1).filter(unowned);
    const under = (p: string[]) => elements.some((el) => el.length < p.length && el.every((seg, i) => seg === p[i]));
    const dropped = [...elements, ...leafPaths(previous.fieldsV1).filter((p) => unowned(p) && !under(p))];
    // Deepest first, so removing an element never shifts a path still to be removed.
    for (const p of dropped.sort((a, b) => b.length - a.length)) removeAt(next, p);
  }
  const merged = mergeApplied(next, applied, { fields: meta }) as JsonMap;
  const mine: ManagedFieldsEntry = {
    manager,
    operation: "Apply",
    apiVersion: input.apiVersion,
    time: input.time,
    fieldsType: "FieldsV1",
    fieldsV1: appliedFields,
  };
  (merged.metadata as JsonMap).managedFields = [...others, mine];
  return merged;
}

/** A FieldsV1 tree holding exactly these paths (keyed elements get their "."). */
function fieldsFromPaths(paths: string[][], into: Fields = {}): Fields {
  for (const path of paths) {
    let cur = into;
    for (const seg of path) {
      cur = cur[seg] ??= {};
      if (seg.startsWith("k:")) cur["."] ??= {};
    }
  }
  return into;
}

/**
 * What an Update (create, PUT, a non-apply PATCH) does to ownership: the manager takes every
 * field whose value it set or changed, others lose those, and fields the write removed belong
 * to nobody.
 */
export function recordUpdate(
  current: JsonMap | undefined,
  next: JsonMap,
  manager: string,
  meta: TypeMeta,
  apiVersion: string,
  time: string,
): ManagedFieldsEntry[] {
  const entries = ((isMap(current?.metadata) ? current.metadata.managedFields : undefined) as ManagedFieldsEntry[] | undefined) ?? [];
  const changed = leafPaths(fieldsOf(next, meta)).filter((p) => !current || !same(valueAt(current, p), valueAt(next, p)));
  const removed = entries.flatMap((e) => leafPaths(e.fieldsV1)).filter((p) => valueAt(next, p) === undefined);
  const isMine = (e: ManagedFieldsEntry) => e.manager === manager && e.operation === "Update";
  const previous = entries.find(isMine);
  const out = entries.filter((e) => !isMine(e)).map((e) => ({ ...e, fieldsV1: withoutPaths(e.fieldsV1, [...removed, ...changed]) }));
  const mine = fieldsFromPaths(changed, previous ? withoutPaths(previous.fieldsV1, removed) : {});
  if (leafPaths(mine).length)
    out.push({ manager, operation: "Update", apiVersion, time: changed.length || !previous ? time : previous.time, fieldsType: "FieldsV1", fieldsV1: mine });
  return out.filter((e) => leafPaths(e.fieldsV1).length > 0);
}

function conflictError(conflicts: { manager: string; apiVersion: string; path: string[] }[]): ApiError {
  const lines = conflicts.map((c) => `conflict with "${c.manager}" using ${c.apiVersion}: ${pathString(c.path)}`);
  const message =
    conflicts.length === 1
      ? `Apply failed with 1 conflict: ${lines[0]}`
      : `Apply failed with ${conflicts.length} conflicts: ${lines.map((l) => `\n- ${l}`).join("")}`;
  return new ApiError(409, "Conflict", message, {
    causes: conflicts.map((c) => ({
      reason: "FieldManagerConflict",
      message: `conflict with "${c.manager}" using ${c.apiVersion}`,
      field: pathString(c.path),
    })),
  });
}
