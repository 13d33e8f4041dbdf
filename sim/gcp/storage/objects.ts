import type { World } from "../../world";
import type { GcpJson, StoredObject } from "../state";
import { requireBucket } from "./buckets";
import { invalid, noSuchObject, preconditionFailed, required } from "./errors";
import { crc32cBase64, md5Base64 } from "./hashes";

// Objects of the simulated buckets: insert (with the generation preconditions Cloud Storage
// honours), get and list. Only the latest generation of each name is kept.

export interface NewObject {
  name?: unknown;
  contentType?: unknown;
  /** Custom metadata: string values only, as Cloud Storage keeps them. */
  metadata?: unknown;
  /** Checksums the client computed; a mismatch with the received bytes is refused (400). */
  md5Hash?: unknown;
  crc32c?: unknown;
}

const key = (bucket: string, name: string) => `${bucket}/${name}`;

/** Object names: 1-1024 bytes of UTF-8, no carriage return or line feed, not "." or "..". */
function validateObjectName(name: unknown): string {
  if (name === undefined || name === null || name === "") throw required("Required");
  if (typeof name !== "string" || Buffer.byteLength(name) > 1024 || /[\r\n]/.test(name) || name === "." || name === "..") {
    throw invalid("The specified object name is not valid.");
  }
  return name;
}

function generationParam(query: URLSearchParams, name: string): number | undefined {
  const raw = query.get(name);
  if (raw === null) return undefined;
  if (!/^\d+$/.test(raw)) throw invalid(`Invalid argument: ${name}=${raw}`);
  return Number(raw);
}

/** ifGenerationMatch (0 = "must not exist yet") and ifGenerationNotMatch against the current object. */
export function checkPreconditions(current: StoredObject | undefined, query: URLSearchParams): void {
  const generation = current ? Number(current.resource.generation) : 0;
  const match = generationParam(query, "ifGenerationMatch");
  const notMatch = generationParam(query, "ifGenerationNotMatch");
  if (match !== undefined && match !== generation) throw preconditionFailed();
  if (notMatch !== undefined && notMatch === generation) throw preconditionFailed();
}

function customMetadata(value: unknown): Record<string, string> | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "object" || Array.isArray(value)) throw invalid("Invalid value for metadata: must be an object of strings.");
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    if (v === null || v === undefined) continue;
    out[k] = typeof v === "string" ? v : JSON.stringify(v);
  }
  return out;
}

export function insertObject(world: World, bucket: string, spec: NewObject, body: Buffer, query: URLSearchParams): GcpJson {
  requireBucket(world, bucket);
  const name = validateObjectName(spec.name);
  const current = world.gcp.objects.get(key(bucket, name));
  checkPreconditions(current, query);
  const md5Hash = md5Base64(body);
  const crc32c = crc32cBase64(body);
  if (typeof spec.md5Hash === "string" && spec.md5Hash !== md5Hash) {
    throw invalid(`Provided MD5 hash "${spec.md5Hash}" doesn't match calculated MD5 hash "${md5Hash}".`);
  }
  if (typeof spec.crc32c === "string" && spec.crc32c !== crc32c) {
    throw invalid(`Provided CRC32C "${spec.crc32c}" doesn't match calculated CRC32C "${crc32c}".`);
  }
  const now = world.clock.now();
  // Generations are microsecond timestamps, strictly increasing per name.
  const generation = Math.max(now * 1000, current ? Number(current.resource.generation) + 1 : 0);
  const at = new Date(now).toISOString();
  const encoded = encodeURIComponent(name);
  const metadata = customMetadata(spec.metadata);
  const resource: GcpJson = {
    kind: "storage#object",
    id: `${bucket}/${name}/${generation}`,
    selfLink: `https://www.googleapis.com/storage/v1/b/${bucket}/o/${encoded}`,
    mediaLink: `https://storage.googleapis.com/download/storage/v1/b/${bucket}/o/${encoded}?generation=${generation}&alt=media`,
    name,
    bucket,
    generation: String(generation),
    metageneration: "1",
    contentType: typeof spec.contentType === "string" && spec.contentType ? spec.contentType : "application/octet-stream",
    storageClass: "STANDARD",
    size: String(body.length),
    md5Hash,
    crc32c,
    etag: Buffer.from(String(generation)).toString("base64"),
    timeCreated: at,
    updated: at,
    timeStorageClassUpdated: at,
    timeFinalized: at,
    ...(metadata ? { metadata } : {}),
  };
  world.gcp.objects.set(key(bucket, name), { resource, body: Buffer.from(body) });
  return resource;
}

/** The object (resource and bytes); `generation` in the query must name the current one. */
export function getObject(world: World, bucket: string, name: string, query: URLSearchParams): StoredObject {
  requireBucket(world, bucket);
  const found = world.gcp.objects.get(key(bucket, name));
  const wanted = query.get("generation");
  if (!found || (wanted !== null && wanted !== found.resource.generation)) throw noSuchObject(bucket, name);
  checkPreconditions(found, query);
  return found;
}

/**
 * objects.rewrite in one call (the simulator never needs a rewriteToken): the source's bytes
 * under the destination name, with the destination preconditions (ifGenerationMatch) checked
 * and the request body's contentType and metadata, else the source's.
 */
export function rewriteObject(
  world: World,
  bucket: string,
  name: string,
  destBucket: string,
  destName: string,
  spec: NewObject,
  query: URLSearchParams,
): GcpJson {
  const source = getObject(world, bucket, name, new URLSearchParams());
  return insertObject(
    world,
    destBucket,
    { name: destName, contentType: spec.contentType ?? source.resource.contentType, metadata: spec.metadata ?? source.resource.metadata },
    source.body,
    query,
  );
}

/** objects.delete of the current generation (preconditions honoured). */
export function deleteObject(world: World, bucket: string, name: string, query: URLSearchParams): void {
  const found = getObject(world, bucket, name, query);
  world.gcp.objects.delete(key(bucket, found.resource.name as string));
}

/** objects.list: by name, with prefix, delimiter (folders as `prefixes`) and paging. */
export function listObjects(world: World, bucket: string, query: URLSearchParams): GcpJson {
  requireBucket(world, bucket);
  const prefix = query.get("prefix") ?? "";
  const delimiter = query.get("delimiter") ?? "";
  const max = Math.min(Math.max(Number(query.get("maxResults") ?? 1000) || 1000, 1), 1000);
  const after = query.get("pageToken") ? Buffer.from(query.get("pageToken")!, "base64url").toString("utf8") : "";
  const names = [...world.gcp.objects.values()]
    .map((o) => o.resource)
    .filter((r) => r.bucket === bucket && (r.name as string).startsWith(prefix))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const items: GcpJson[] = [];
  const prefixes = new Set<string>();
  let last = "";
  let more = false;
  for (const r of names) {
    const name = r.name as string;
    if (name <= after) continue;
    const cut = delimiter ? name.indexOf(delimiter, prefix.length) : -1;
    const entry = cut >= 0 ? name.slice(0, cut + delimiter.length) : name;
    if (cut >= 0 && prefixes.has(entry)) continue;
    if (items.length + prefixes.size >= max) {
      more = true;
      break;
    }
    if (cut >= 0) prefixes.add(entry);
    else items.push(r);
    // A folder is skipped past as a whole on the next page.
    last = cut >= 0 ? entry + "\uffff" : name;
  }
  return {
    kind: "storage#objects",
    ...(items.length ? { items } : {}),
    ...(prefixes.size ? { prefixes: [...prefixes] } : {}),
    ...(more ? { nextPageToken: Buffer.from(last, "utf8").toString("base64url") } : {}),
  };
}
