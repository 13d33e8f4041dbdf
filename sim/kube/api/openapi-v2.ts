import YAML from "yaml";
import { RESOURCE_TYPES } from "../resources";
import { kindSchemas } from "./openapi";
import type { Schema } from "./openapi-schemas";

// /openapi/v2: the Swagger 2.0 document with every served kind's definition (the same schemas
// as v3), as JSON or as the gnostic protobuf (openapi.v2.Document) kubectl asks for. It has no
// paths on purpose: client-side `kubectl apply` picks its patch type from the PATCH operations
// of this document, and without them it keeps computing strategic merge patches from its
// built-in types, as it does against the v3 documents.

// Clients ask with "…spec.v2@v1.0+protobuf"; the answer's type spells the "@" as "." (a media type cannot hold "@").
export const OPENAPI_V2_PROTOBUF = "application/com.github.proto-openapi.spec.v2.v1.0+protobuf";

let cached: { json: Record<string, unknown>; proto: Buffer } | undefined;

export function openApiV2(): { json: Record<string, unknown>; proto: Buffer } {
  if (!cached) {
    const json = { swagger: "2.0", info: { title: "Kubernetes", version: "v1.32.4" }, paths: {}, definitions: kindSchemas(RESOURCE_TYPES, "#/definitions/") };
    cached = { json, proto: documentMessage(json.definitions) };
  }
  return cached;
}

/** A protobuf message writer for the two wire types this document needs (varint, length-delimited). */
class Writer {
  private readonly parts: Buffer[] = [];
  private varint(n: number): void {
    const bytes: number[] = [];
    while (n > 0x7f) {
      bytes.push((n & 0x7f) | 0x80);
      n = Math.floor(n / 128);
    }
    bytes.push(n);
    this.parts.push(Buffer.from(bytes));
  }
  bytes(field: number, value: Buffer): this {
    this.varint((field << 3) | 2);
    this.varint(value.length);
    this.parts.push(value);
    return this;
  }
  string(field: number, value: string): this {
    return this.bytes(field, Buffer.from(value, "utf8"));
  }
  bool(field: number, value: boolean): this {
    this.varint(field << 3);
    this.varint(value ? 1 : 0);
    return this;
  }
  done(): Buffer {
    return Buffer.concat(this.parts);
  }
}

const named = (name: string, value: Buffer) => new Writer().string(1, name).bytes(2, value).done();

// Field numbers of openapi.v2.Schema (gnostic OpenAPIv2.proto).
function schemaMessage(s: Schema): Buffer {
  const w = new Writer();
  if (typeof s.$ref === "string") w.string(1, s.$ref);
  if (typeof s.format === "string") w.string(2, s.format);
  if (typeof s.description === "string") w.string(4, s.description);
  for (const r of (s.required as string[] | undefined) ?? []) w.string(19, r);
  const ap = s.additionalProperties;
  if (typeof ap === "boolean") w.bytes(21, new Writer().bool(2, ap).done());
  else if (ap) w.bytes(21, new Writer().bytes(1, schemaMessage(ap as Schema)).done());
  if (typeof s.type === "string") w.bytes(22, new Writer().string(1, s.type).done());
  if (s.items) w.bytes(23, new Writer().bytes(1, schemaMessage(s.items as Schema)).done());
  for (const a of (s.allOf as Schema[] | undefined) ?? []) w.bytes(24, schemaMessage(a));
  if (s.properties) {
    const p = new Writer();
    for (const [k, v] of Object.entries(s.properties as Record<string, Schema>)) p.bytes(1, named(k, schemaMessage(v)));
    w.bytes(25, p.done());
  }
  for (const [k, v] of Object.entries(s)) {
    // Vendor extensions travel as NamedAny with the value as YAML.
    if (k.startsWith("x-")) w.bytes(31, named(k, new Writer().string(2, YAML.stringify(v)).done()));
  }
  return w.done();
}

function documentMessage(definitions: Record<string, Schema>): Buffer {
  const defs = new Writer();
  for (const [name, schema] of Object.entries(definitions)) defs.bytes(1, named(name, schemaMessage(schema)));
  return new Writer()
    .string(1, "2.0")
    .bytes(2, new Writer().string(1, "Kubernetes").string(2, "v1.32.4").done())
    .bytes(8, Buffer.alloc(0))
    .bytes(9, defs.done())
    .done();
}
