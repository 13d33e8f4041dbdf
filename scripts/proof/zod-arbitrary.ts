// fast-check arbitraries derived from a zod (v4) schema for the bad-input figure: values shaped like
// what the schema takes (its fields, its enum values, its nesting) but mostly wrong inside: hostile
// strings, numbers out of range, wrong types, missing and unknown fields.
import fc from "fast-check";
import type { z } from "zod";

/** Strings a validator has to refuse or carry safely. */
export const HOSTILE_STRINGS = [
  "",
  " ",
  "a\nb",
  "pod\r\nX-Injected: 1",
  "name\u0000nul",
  "\u001b[31mred",
  "\u202eevil",
  "é".repeat(300),
  "x".repeat(70_000),
  "../../etc/passwd",
  "kube-system",
  "$(reboot)",
  "`id`",
  "'; drop table incidents; --",
  "NaN",
  "-1",
  "1e308",
  "Infinity",
  "::/0",
  "0.0.0.0/0",
  "0.0.0.0/1",
  "203.0.113.7/33",
  "fe80::1%eth0/64",
  "app=web=evil",
  "key=value,other=x",
  "{}",
  "[]",
  "null",
  "\ud800",
];

const hostileString = fc.oneof(fc.constantFrom(...HOSTILE_STRINGS), fc.string({ unit: "binary", maxLength: 80 }), fc.string({ maxLength: 12 }));
const hostileNumber = fc.oneof(
  fc.constantFrom(-1, 0, 1.5, -0, 2 ** 53 + 1, 1e308, -1e308, Number.MAX_SAFE_INTEGER),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.integer(),
);
/** Any JSON value, a little deep. */
const anyJson = fc.jsonValue({ maxDepth: 3 });

type Def = { type: string; [k: string]: unknown };
const defOf = (s: z.ZodType): Def => (s as unknown as { _zod: { def: Def } })._zod.def;

/** An arbitrary for values near `schema`: right shape, wrong contents, often enough the right type. */
export function arbitraryOf(schema: z.ZodType, depth = 0): fc.Arbitrary<unknown> {
  const def = defOf(schema);
  const wrongType = fc.oneof(anyJson, hostileString, hostileNumber);
  if (depth > 4) return wrongType;
  switch (def.type) {
    case "object": {
      const shape = def.shape as Record<string, z.ZodType>;
      const fields = Object.fromEntries(Object.entries(shape).map(([k, v]) => [k, arbitraryOf(v, depth + 1)]));
      const shaped = fc.record(fields, { requiredKeys: [] });
      // Unknown fields beside the known ones: a strict schema refuses them, a loose one must ignore them.
      const extra = fc.tuple(shaped, fc.dictionary(fc.string({ maxLength: 8 }), anyJson, { maxKeys: 2 })).map(([a, b]) => ({ ...b, ...a }));
      return fc.oneof({ weight: 6, arbitrary: shaped }, { weight: 2, arbitrary: extra }, { weight: 1, arbitrary: wrongType });
    }
    case "string":
      return fc.oneof({ weight: 4, arbitrary: hostileString }, { weight: 1, arbitrary: wrongType });
    case "number":
    case "int":
    case "bigint":
      return fc.oneof({ weight: 4, arbitrary: hostileNumber }, { weight: 1, arbitrary: wrongType });
    case "boolean":
      return fc.oneof(fc.boolean(), fc.constantFrom("true", "false", 1, 0, "yes"), wrongType);
    case "enum": {
      const values = Object.values(def.entries as Record<string, string>);
      return fc.oneof(
        fc.constantFrom(...values),
        fc.constantFrom(...values).map((v) => `${v} `),
        wrongType,
      );
    }
    case "literal":
      return fc.oneof(fc.constantFrom(...(def.values as unknown[])), wrongType);
    case "optional":
    case "nullable":
    case "default":
    case "prefault":
    case "catch":
    case "readonly":
    case "nonoptional":
      return fc.oneof(arbitraryOf(def.innerType as z.ZodType, depth), fc.constant(undefined), fc.constant(null));
    case "pipe":
      return arbitraryOf(def.in as z.ZodType, depth);
    case "array":
      return fc.oneof(fc.array(arbitraryOf(def.element as z.ZodType, depth + 1), { maxLength: 4 }), fc.array(anyJson, { maxLength: 200 }), wrongType);
    case "record":
      return fc.oneof(
        fc.dictionary(fc.oneof(hostileString, fc.string({ maxLength: 10 })), arbitraryOf(def.valueType as z.ZodType, depth + 1), { maxKeys: 3 }),
        wrongType,
      );
    case "union":
      return fc.oneof(...(def.options as z.ZodType[]).map((o) => arbitraryOf(o, depth + 1)), wrongType);
    default:
      return wrongType;
  }
}
