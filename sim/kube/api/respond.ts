import type { IncomingMessage, ServerResponse } from "node:http";
import { ApiError } from "../errors";
import type { KObject } from "../types";
import { tableRow, toTable, type IncludeObject } from "./table";

// Content negotiation: kubectl asks for protobuf first and Table when printing; this server
// always answers application/json, as Table or PartialObjectMetadata when asked.

export interface Negotiated {
  as: "object" | "Table" | "PartialObjectMetadata";
  include: IncludeObject;
}

export function negotiate(req: IncomingMessage, query: URLSearchParams): Negotiated {
  const accept = String(req.headers.accept ?? "");
  const includeParam = query.get("includeObject");
  const include: IncludeObject = includeParam === "Object" || includeParam === "None" ? includeParam : "Metadata";
  for (const entry of accept.split(",")) {
    const [mime, ...params] = entry.split(";").map((s) => s.trim());
    const p = new Map(params.map((x) => x.split("=").map((s) => s.trim()) as [string, string]));
    if (mime !== "application/json" && mime !== "application/vnd.kubernetes.protobuf" && mime !== "*/*") continue;
    const as = p.get("as");
    if (!as) return { as: "object", include };
    if (p.get("g") !== "meta.k8s.io") continue;
    if (as === "Table") return { as: "Table", include };
    if (as === "PartialObjectMetadata" || as === "PartialObjectMetadataList") return { as: "PartialObjectMetadata", include };
  }
  return { as: "object", include };
}

export function sendObject(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(text) });
  res.end(text);
}

export function sendError(res: ServerResponse, err: ApiError): void {
  const headers: Record<string, string> = {};
  if (err.details?.retryAfterSeconds !== undefined) headers["Retry-After"] = String(err.details.retryAfterSeconds);
  const text = JSON.stringify(err.toStatus());
  res.writeHead(err.code, { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(text), ...headers });
  res.end(text);
}

/**
 * Writes {...head, [field]: [...elements]} without building the whole string at once: a list
 * of 150,000 pods is tens of megabytes per page-less request.
 */
function streamArray(res: ServerResponse, status: number, head: Record<string, unknown>, field: string, elements: Iterable<unknown>): void {
  res.writeHead(status, { "Content-Type": "application/json" });
  const prefix = JSON.stringify(head);
  let buf = `${prefix.slice(0, -1)}${prefix.length > 2 ? "," : ""}${JSON.stringify(field)}:[`;
  let first = true;
  for (const e of elements) {
    buf += (first ? "" : ",") + JSON.stringify(e);
    first = false;
    if (buf.length > 1 << 16) {
      res.write(buf);
      buf = "";
    }
  }
  res.end(buf + "]}");
}

export interface ListShape {
  kind: string;
  apiVersion: string;
  resourceKey: string;
  items: KObject[];
  metadata: Record<string, unknown>;
}

export function sendList(res: ServerResponse, n: Negotiated, list: ListShape, now: number): void {
  if (n.as === "Table") {
    const table = toTable(list.resourceKey, [], now, n.include, list.metadata);
    const rows = (function* () {
      for (const obj of list.items) yield tableRow(list.resourceKey, obj, now, n.include);
    })();
    const { rows: _rows, ...head } = table;
    return streamArray(res, 200, head, "rows", rows);
  }
  if (n.as === "PartialObjectMetadata") {
    const items = list.items.map((o) => ({ kind: "PartialObjectMetadata", apiVersion: "meta.k8s.io/v1", metadata: o.metadata }));
    return streamArray(res, 200, { kind: "PartialObjectMetadataList", apiVersion: "meta.k8s.io/v1", metadata: list.metadata }, "items", items);
  }
  streamArray(res, 200, { kind: list.kind, apiVersion: list.apiVersion, metadata: list.metadata }, "items", list.items);
}

export function sendOne(res: ServerResponse, n: Negotiated, resourceKey: string, obj: KObject, now: number, status = 200): void {
  if (n.as === "Table") return sendObject(res, status, toTable(resourceKey, [obj], now, n.include, { resourceVersion: obj.metadata.resourceVersion }));
  if (n.as === "PartialObjectMetadata") return sendObject(res, status, { kind: "PartialObjectMetadata", apiVersion: "meta.k8s.io/v1", metadata: obj.metadata });
  sendObject(res, status, obj);
}
