import type { IncomingMessage, ServerResponse } from "node:http";
import { readBody, sendJson, splitUrl } from "../../core/http";
import type { World } from "../../world";
import type { GcpJson } from "../state";
import { methodNotAllowed } from "../compute/errors";
import { requireBucket } from "./buckets";
import { GoogleApiError, invalid } from "./errors";
import { googHash } from "./hashes";
import { boundaryOf, parseMultipart } from "./multipart";
import { deleteObject, getObject, insertObject, listObjects, rewriteObject, type NewObject } from "./objects";

// Cloud Storage JSON API v1, as the client libraries call it:
//   GET  /storage/v1/b/{bucket}                     buckets.get
//   GET  /storage/v1/b/{bucket}/o                   objects.list
//   GET  /storage/v1/b/{bucket}/o/{object}          objects.get (alt=media: the bytes)
//   GET  /download/storage/v1/b/{bucket}/o/{object} media download
//   POST /upload/storage/v1/b/{bucket}/o            objects.insert, uploadType=media|multipart
//   POST /storage/v1/b/{b}/o/{object}/rewriteTo/b/{b2}/o/{object2}   objects.rewrite (one call, done)
//   DELETE /storage/v1/b/{bucket}/o/{object}        objects.delete
// Resumable uploads are not modelled: upload with `resumable: false`.

export interface StorageAnswer {
  status: number;
  headers?: Record<string, string>;
  json?: GcpJson;
  media?: Buffer;
}

const PATH = /^\/(upload\/|download\/)?storage\/v1\/b\/([^/]+)(\/o(?:\/(.+))?)?\/?$/;

export async function handleStorageRequest(world: World, req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
  const body = await readBody(req, 64 * 1024 * 1024);
  const { query } = splitUrl(req.url ?? "/");
  const header = req.headers["content-type"];
  const answer = dispatchStorage(world, req.method ?? "GET", path, query, typeof header === "string" ? header : undefined, body);
  if (answer.media) {
    res.writeHead(answer.status, { ...answer.headers, "Content-Length": answer.media.length });
    res.end(req.method === "HEAD" ? undefined : answer.media);
    return;
  }
  sendJson(res, answer.status, answer.json ?? {}, answer.headers);
}

/** One Cloud Storage call. Never throws for API errors: they become Google's error JSON. */
export function dispatchStorage(
  world: World,
  method: string,
  path: string,
  query: URLSearchParams,
  contentType: string | undefined,
  body: Buffer,
): StorageAnswer {
  try {
    return route(world, method.toUpperCase(), path, query, contentType, body);
  } catch (err) {
    if (err instanceof GoogleApiError) return { status: err.code, json: err.toJson() };
    throw err;
  }
}

function route(world: World, method: string, path: string, query: URLSearchParams, contentType: string | undefined, body: Buffer): StorageAnswer {
  const m = PATH.exec(path);
  if (!m) throw new GoogleApiError(404, "notFound", `Not Found: ${path}`);
  const [, door, rawBucket, objects, rawObject] = m;
  const bucket = decodeURIComponent(rawBucket);
  const rewrite = door === undefined && rawObject ? /^(.+)\/rewriteTo\/b\/([^/]+)\/o\/(.+)$/.exec(rawObject) : null;
  if (rewrite) {
    if (method !== "POST") throw methodNotAllowed(method, path);
    let spec: NewObject = {};
    try {
      spec = body.length ? (JSON.parse(body.toString("utf8")) as NewObject) : {};
    } catch {
      throw new GoogleApiError(400, "parseError", "Parse Error");
    }
    const resource = rewriteObject(world, bucket, decodeURIComponent(rewrite[1]), decodeURIComponent(rewrite[2]), decodeURIComponent(rewrite[3]), spec, query);
    return {
      status: 200,
      json: { kind: "storage#rewriteResponse", totalBytesRewritten: resource.size, objectSize: resource.size, done: true, resource },
    };
  }
  const isObjects = objects !== undefined;
  const object = rawObject === undefined ? undefined : decodeURIComponent(rawObject);

  if (door === "upload/") {
    if (object !== undefined || !isObjects) throw new GoogleApiError(404, "notFound", `Not Found: ${path}`);
    if (method !== "POST") throw methodNotAllowed(method, path);
    return { status: 200, json: upload(world, bucket, query, contentType, body) };
  }
  if (door === "download/") {
    if (object === undefined) throw new GoogleApiError(404, "notFound", `Not Found: ${path}`);
    if (method !== "GET" && method !== "HEAD") throw methodNotAllowed(method, path);
    return media(world, bucket, object, query);
  }
  if (object !== undefined) {
    if (method === "DELETE") {
      deleteObject(world, bucket, object, query);
      return { status: 204, json: {} };
    }
    if (method !== "GET" && method !== "HEAD") throw methodNotAllowed(method, path);
    if (query.get("alt") === "media") return media(world, bucket, object, query);
    return { status: 200, json: getObject(world, bucket, object, query).resource };
  }
  if (isObjects) {
    if (method === "POST") throw invalid("Uploads go to /upload/storage/v1/b/{bucket}/o with uploadType=media or multipart.");
    if (method !== "GET") throw methodNotAllowed(method, path);
    return { status: 200, json: listObjects(world, bucket, query) };
  }
  if (method !== "GET") throw methodNotAllowed(method, path);
  return { status: 200, json: requireBucket(world, bucket) };
}

function upload(world: World, bucket: string, query: URLSearchParams, contentType: string | undefined, body: Buffer): GcpJson {
  const uploadType = query.get("uploadType") ?? "";
  if (uploadType === "media") {
    return insertObject(world, bucket, { name: query.get("name") ?? undefined, contentType }, body, query);
  }
  if (uploadType === "multipart") {
    const boundary = boundaryOf(contentType);
    const parts = boundary ? parseMultipart(body, boundary) : undefined;
    if (!parts || parts.length !== 2) throw invalid("Invalid multipart request: expected a metadata part and a media part.");
    let spec: NewObject;
    try {
      spec = JSON.parse(parts[0].body.toString("utf8") || "{}") as NewObject;
    } catch {
      throw new GoogleApiError(400, "parseError", "Parse Error");
    }
    if (typeof spec !== "object" || spec === null) throw new GoogleApiError(400, "parseError", "Parse Error");
    const name = query.get("name") ?? spec.name;
    return insertObject(world, bucket, { ...spec, name, contentType: spec.contentType ?? parts[1].headers["content-type"] }, parts[1].body, query);
  }
  if (uploadType === "resumable") throw invalid("uploadType=resumable is not supported by the simulator; upload with resumable: false.");
  throw invalid(`Invalid upload type: '${uploadType}'. Use media or multipart.`);
}

function media(world: World, bucket: string, name: string, query: URLSearchParams): StorageAnswer {
  const { resource, body } = getObject(world, bucket, name, query);
  return {
    status: 200,
    media: body,
    headers: {
      "Content-Type": resource.contentType,
      "x-goog-hash": googHash(body),
      "x-goog-generation": resource.generation,
      "x-goog-metageneration": resource.metageneration,
      "x-goog-stored-content-length": resource.size,
      "x-goog-stored-content-encoding": "identity",
      "x-goog-storage-class": resource.storageClass,
      ETag: resource.etag,
    },
  };
}
