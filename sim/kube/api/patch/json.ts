import { ApiError } from "../../errors";

// RFC 6902 JSON Patch, applied to a copy. Errors are the 422/400 the API server answers when
// a patch does not apply (evanphx/json-patch wording where kubectl users see it).

type Json = unknown;
export interface JsonPatchOp {
  op: string;
  path: string;
  value?: Json;
  from?: string;
}

function patchError(message: string): ApiError {
  return new ApiError(422, "Invalid", message);
}

function parsePointer(pointer: string): string[] {
  if (pointer === "") return [];
  if (!pointer.startsWith("/")) throw patchError(`the server rejected our request due to an error in our request: invalid JSON pointer "${pointer}"`);
  return pointer
    .slice(1)
    .split("/")
    .map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"));
}

function isObject(v: Json): v is Record<string, Json> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function arrayIndex(arr: Json[], token: string, forAdd: boolean, path: string): number {
  if (forAdd && token === "-") return arr.length;
  if (!/^(0|[1-9]\d*)$/.test(token)) throw patchError(`unable to access invalid index: ${token} (path ${path})`);
  const i = Number(token);
  if (i > arr.length || (!forAdd && i === arr.length)) throw patchError(`Unable to access invalid index: ${i}: invalid index referenced`);
  return i;
}

function parentOf(doc: Json, tokens: string[], path: string): Json {
  let cur = doc;
  for (const t of tokens.slice(0, -1)) {
    if (Array.isArray(cur)) cur = cur[arrayIndex(cur, t, false, path)];
    else if (isObject(cur) && t in cur) cur = cur[t];
    else throw patchError(`doc is missing path: "${path}": missing value`);
  }
  return cur;
}

function getAt(doc: Json, path: string): Json {
  let cur = doc;
  for (const t of parsePointer(path)) {
    if (Array.isArray(cur)) cur = cur[arrayIndex(cur, t, false, path)];
    else if (isObject(cur) && t in cur) cur = cur[t];
    else throw patchError(`doc is missing path: "${path}": missing value`);
  }
  return cur;
}

function addAt(doc: Json, path: string, value: Json): Json {
  const tokens = parsePointer(path);
  if (tokens.length === 0) return value;
  const parent = parentOf(doc, tokens, path);
  const last = tokens[tokens.length - 1];
  if (Array.isArray(parent)) parent.splice(arrayIndex(parent, last, true, path), 0, value);
  else if (isObject(parent)) parent[last] = value;
  else throw patchError(`doc is missing path: "${path}": missing value`);
  return doc;
}

function removeAt(doc: Json, path: string): Json {
  const tokens = parsePointer(path);
  if (tokens.length === 0) throw patchError("unable to remove the whole document");
  const parent = parentOf(doc, tokens, path);
  const last = tokens[tokens.length - 1];
  if (Array.isArray(parent)) parent.splice(arrayIndex(parent, last, false, path), 1);
  else if (isObject(parent) && last in parent) delete parent[last];
  else throw patchError(`Unable to remove nonexistent key: ${last}: missing value`);
  return doc;
}

function deepEqual(a: Json, b: Json): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((v, i) => deepEqual(v, b[i]));
  if (isObject(a) && isObject(b)) {
    const ka = Object.keys(a);
    return ka.length === Object.keys(b).length && ka.every((k) => k in b && deepEqual(a[k], b[k]));
  }
  return false;
}

export function applyJsonPatch<T>(original: T, patch: unknown): T {
  if (!Array.isArray(patch)) throw new ApiError(400, "BadRequest", "json: cannot unmarshal object into Go value of type jsonpatch.Patch");
  let doc: Json = structuredClone(original);
  for (const raw of patch as JsonPatchOp[]) {
    if (!isObject(raw) || typeof raw.op !== "string") throw patchError("the server rejected our request due to an error in our request");
    const { op, path } = raw;
    if (typeof path !== "string") throw patchError(`the server rejected our request due to an error in our request: operation missing path`);
    switch (op) {
      case "add":
        doc = addAt(doc, path, structuredClone(raw.value));
        break;
      case "remove":
        doc = removeAt(doc, path);
        break;
      case "replace":
        getAt(doc, path);
        doc = path === "" ? structuredClone(raw.value) : addAt(removeAt(doc, path), path, structuredClone(raw.value));
        break;
      case "move": {
        if (typeof raw.from !== "string") throw patchError("the server rejected our request due to an error in our request: move operation missing from");
        const value = getAt(doc, raw.from);
        doc = addAt(removeAt(doc, raw.from), path, value);
        break;
      }
      case "copy": {
        if (typeof raw.from !== "string") throw patchError("the server rejected our request due to an error in our request: copy operation missing from");
        doc = addAt(doc, path, structuredClone(getAt(doc, raw.from)));
        break;
      }
      case "test":
        if (!deepEqual(getAt(doc, path), raw.value))
          throw patchError(`the server rejected our request due to an error in our request: testing value ${path} failed: test failed`);
        break;
      default:
        throw patchError(`the server rejected our request due to an error in our request: Unexpected kind: ${op}`);
    }
  }
  return doc as T;
}
