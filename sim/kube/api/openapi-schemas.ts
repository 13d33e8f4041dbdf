import fs from "node:fs";
import path from "node:path";
import * as k8s from "@kubernetes/client-node";

// OpenAPI schemas with every field, its type and its description, so `kubectl explain` has
// something to explain. They are derived from the Kubernetes models @kubernetes/client-node is
// generated from: each model class lists its fields (attributeTypeMap) and its .d.ts keeps the
// upstream descriptions and which fields are required. `ref` says how a reference is written
// (`#/components/schemas/` for v3, `#/definitions/` for v2).

type Attr = { name: string; baseName: string; type: string; format: string };
type Model = { getAttributeTypeMap(): Attr[] };
export type Schema = Record<string, unknown>;

const MODELS_DIR = path.join(path.dirname(require.resolve("@kubernetes/client-node/package.json")), "dist", "gen", "models");
const models = k8s as unknown as Record<string, Model | undefined>;

function modelOf(name: string): Model | undefined {
  const m = models[name];
  return typeof m?.getAttributeTypeMap === "function" ? m : undefined;
}

/** The model class of a served kind (`V1Deployment`; `CoreV1Event` where the name is shared). */
export function modelClassFor(kind: string, group: string): string | undefined {
  const prefix = (group.split(".")[0] || "core").replace(/^./, (c) => c.toUpperCase());
  return [`V1${kind}`, `${prefix}V1${kind}`].find((c) => modelOf(c));
}

interface Docs {
  description?: string;
  fields: Map<string, { description: string; required: boolean }>;
}
const docsCache = new Map<string, Docs>();

function cleanComment(body: string): string {
  return body
    .split("\n")
    .map((l) => l.replace(/^\s*\*\s?/, "").trim())
    .filter(Boolean)
    .join(" ");
}

function docsOf(cls: string): Docs {
  let d = docsCache.get(cls);
  if (d) return d;
  d = { fields: new Map() };
  try {
    const text = fs.readFileSync(path.join(MODELS_DIR, `${cls}.d.ts`), "utf8");
    const classDoc = /\/\*\*((?:(?!\*\/)[\s\S])*)\*\/\s*export declare class/.exec(text);
    if (classDoc) d.description = cleanComment(classDoc[1]);
    for (const m of text.matchAll(/(?:\/\*\*((?:(?!\*\/)[\s\S])*)\*\/\s*)?'([^']+)'(\??):/g)) {
      d.fields.set(m[2], { description: m[1] ? cleanComment(m[1]) : "", required: m[3] !== "?" });
    }
  } catch {
    // no declaration file: fields without descriptions
  }
  docsCache.set(cls, d);
  return d;
}

export class SchemaSet {
  readonly schemas: Record<string, Schema> = {};
  private readonly names = new Map<string, string>();

  constructor(
    private readonly ref: string,
    /** Names for the served kinds' classes (their GVK-tagged schema names). */
    private readonly fixed: Map<string, string>,
  ) {}

  /** The schema name of a model class: a served kind keeps its own; others drop the version prefix (V1Container → Container) unless that name is taken. */
  nameOf(cls: string): string {
    const known = this.fixed.get(cls) ?? this.names.get(cls);
    if (known) return known;
    const short = `io.k8s.sim.${cls.replace(/^V\d+(?:alpha\d+|beta\d+)?(?=[A-Z])/, "")}`;
    const taken = [...this.names.values()].includes(short);
    const name = taken ? `io.k8s.sim.${cls}` : short;
    this.names.set(cls, name);
    return name;
  }

  /** Adds the class (and every class it reaches) and returns its schema name. */
  add(cls: string, extra: Schema = {}): string {
    const name = this.nameOf(cls);
    if (this.schemas[name]) return name;
    const docs = docsOf(cls);
    const schema: Schema = { type: "object", ...(docs.description ? { description: docs.description } : {}), ...extra };
    this.schemas[name] = schema;
    const properties: Record<string, Schema> = {};
    const required: string[] = [];
    for (const a of modelOf(cls)!.getAttributeTypeMap()) {
      const doc = docs.fields.get(a.name);
      const t = this.typeSchema(a.type, a.format);
      const description = doc?.description ? { description: doc.description } : {};
      // v3 keeps a reference's description beside it through allOf (as Kubernetes does); Swagger 2.0 puts it next to $ref.
      properties[a.baseName] = "$ref" in t && this.ref.startsWith("#/components/") ? { ...description, allOf: [t] } : { ...description, ...t };
      if (doc?.required) required.push(a.baseName);
    }
    schema.properties = properties;
    if (required.length) schema.required = required;
    return name;
  }

  private typeSchema(type: string, format: string): Schema {
    const fmt = format ? { format } : {};
    if (type === "string") return { type: "string", ...fmt };
    if (type === "Date") return { type: "string", format: "date-time" };
    if (type === "boolean") return { type: "boolean" };
    if (type === "number") return /^int/.test(format) ? { type: "integer", format } : { type: "number", ...fmt };
    if (type === "IntOrString") return { type: "string", format: "int-or-string", "x-kubernetes-int-or-string": true };
    const list = /^Array<(.+)>$/.exec(type);
    if (list) return { type: "array", items: this.typeSchema(list[1], "") };
    const map = /^\{ \[key: string\]: (.+); \}$/.exec(type);
    if (map) return { type: "object", additionalProperties: this.typeSchema(map[1], "") };
    if (modelOf(type)) return { $ref: `${this.ref}${this.add(type)}` };
    return { type: "object" };
  }
}
