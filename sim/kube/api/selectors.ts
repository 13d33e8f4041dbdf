import { badRequest } from "../errors";
import { requirementMatches, type LabelRequirement } from "../label-selector";
import type { KObject } from "../types";

// The string forms of label and field selectors that arrive in `labelSelector=` and
// `fieldSelector=`, parsed the way apimachinery's labels and fields packages parse them, so a
// selector kubectl accepts here behaves as it does against a real API server.

export type { LabelOperator, LabelRequirement } from "../label-selector";

export interface LabelSelectorMatcher {
  requirements: LabelRequirement[];
  matches(labels: Record<string, string> | undefined): boolean;
  /** True for the empty selector, which selects everything. */
  empty: boolean;
}

const QUALIFIED_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

/** Problems with a label key, in apimachinery's wording; empty when valid. */
export function labelKeyErrors(key: string): string[] {
  const errs: string[] = [];
  const parts = key.split("/");
  let name = key;
  if (parts.length === 2) {
    const prefix = parts[0];
    name = parts[1];
    if (prefix.length === 0) errs.push("prefix part must be non-empty");
    else if (prefix.length > 253) errs.push("prefix part must be no more than 253 characters");
    else if (!DNS_SUBDOMAIN.test(prefix))
      errs.push(
        "prefix part a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
      );
  } else if (parts.length > 2) {
    return [
      "a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')",
    ];
  }
  if (name.length === 0) errs.push("name part must be non-empty");
  else if (name.length > 63) errs.push("name part must be no more than 63 characters");
  if (name.length > 0 && !QUALIFIED_NAME.test(name))
    errs.push(
      "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')",
    );
  return errs;
}

/** Problems with a label value, in apimachinery's wording; empty when valid. */
export function labelValueErrors(value: string): string[] {
  const errs: string[] = [];
  if (value.length > 63) errs.push("must be no more than 63 characters");
  if (!LABEL_VALUE.test(value))
    errs.push(
      "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')",
    );
  return errs;
}

// --- label selector lexer/parser (apimachinery/pkg/labels/selector.go, same grammar) ---

type Tok = { t: "id"; v: string } | { t: "op"; v: "=" | "==" | "!=" | "!" | "in" | "notin" | ">" | "<" } | { t: "," } | { t: "(" } | { t: ")" } | { t: "end" };

function lex(input: string): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  const special = new Set(["=", "!", "(", ")", ",", ">", "<", " ", "\t", "\n", "\r"]);
  while (i < input.length) {
    const c = input[i];
    if (c === " " || c === "\t" || c === "\n" || c === "\r") {
      i++;
      continue;
    }
    if (c === ",") {
      out.push({ t: "," });
      i++;
    } else if (c === "(") {
      out.push({ t: "(" });
      i++;
    } else if (c === ")") {
      out.push({ t: ")" });
      i++;
    } else if (c === "=" && input[i + 1] === "=") {
      out.push({ t: "op", v: "==" });
      i += 2;
    } else if (c === "=") {
      out.push({ t: "op", v: "=" });
      i++;
    } else if (c === "!" && input[i + 1] === "=") {
      out.push({ t: "op", v: "!=" });
      i += 2;
    } else if (c === "!") {
      out.push({ t: "op", v: "!" });
      i++;
    } else if (c === ">" || c === "<") {
      out.push({ t: "op", v: c });
      i++;
    } else {
      let j = i;
      while (j < input.length && !special.has(input[j])) j++;
      const word = input.slice(i, j);
      if (word === "in" || word === "notin") out.push({ t: "op", v: word });
      else out.push({ t: "id", v: word });
      i = j;
    }
  }
  out.push({ t: "end" });
  return out;
}

function describe(tok: Tok): string {
  switch (tok.t) {
    case "id":
      return tok.v;
    case "op":
      return tok.v;
    case "end":
      return "EOS";
    default:
      return tok.t;
  }
}

function parseError(detail: string): never {
  throw badRequest(`unable to parse requirement: ${detail}`);
}

export function parseLabelSelector(input: string | null | undefined): LabelSelectorMatcher {
  const text = (input ?? "").trim();
  const requirements: LabelRequirement[] = [];
  if (text) {
    const toks = lex(text);
    let p = 0;
    const peek = () => toks[p];
    const next = () => toks[p++];
    for (;;) {
      let negate = false;
      let tok = next();
      if (tok.t === "op" && tok.v === "!") {
        negate = true;
        tok = next();
      }
      if (tok.t !== "id") parseError(`found '${describe(tok)}', expected: !, identifier, or 'end of string'`);
      const key = tok.v;
      const keyErrs = labelKeyErrors(key);
      if (keyErrs.length) parseError(`key: Invalid value: "${key}": ${keyErrs.join("; ")}`);
      if (negate) {
        requirements.push({ key, op: "!", values: [] });
      } else {
        const after = peek();
        if (after.t === "," || after.t === "end") {
          requirements.push({ key, op: "exists", values: [] });
        } else if (after.t === "op") {
          next();
          const op = after.v;
          if (op === "in" || op === "notin") {
            if (next().t !== "(") parseError(`found '${describe(toks[p - 1])}', expected: '('`);
            const values: string[] = [];
            let expectValue = true;
            for (;;) {
              const v = next();
              if (v.t === ")") {
                if (expectValue && values.length > 0) values.push("");
                break;
              }
              if (v.t === ",") {
                if (expectValue) values.push("");
                expectValue = true;
              } else if (v.t === "id" && expectValue) {
                values.push(v.v);
                expectValue = false;
              } else parseError(`found '${describe(v)}', expected: ',', ')' or identifier`);
            }
            for (const v of values) {
              const errs = labelValueErrors(v);
              if (errs.length) parseError(`values[0]: Invalid value: "${v}": ${errs.join("; ")}`);
            }
            if (values.length === 0) parseError("for 'in', 'notin' operators, values set can't be empty");
            requirements.push({ key, op: op, values });
          } else if (op === "!") {
            parseError(`found '!', expected: '=', '!=', '==', 'in', notin'`);
          } else {
            const v = peek();
            let value = "";
            if (v.t === "id") {
              value = v.v;
              next();
            } else if (v.t !== "," && v.t !== "end") parseError(`found '${describe(v)}', expected: identifier`);
            if (op === ">" || op === "<") {
              if (!/^-?\d+$/.test(value)) parseError(`for 'Gt', 'Lt' operators, the value must be an integer`);
              requirements.push({ key, op: op === ">" ? "gt" : "lt", values: [value] });
            } else {
              const errs = labelValueErrors(value);
              if (errs.length) parseError(`values[0][${key}]: Invalid value: "${value}": ${errs.join("; ")}`);
              requirements.push({ key, op: op === "!=" ? "!=" : "=", values: [value] });
            }
          }
        } else {
          parseError(`found '${describe(after)}', expected: '=', '!=', '==', 'in', notin'`);
        }
      }
      const sep = next();
      if (sep.t === "end") break;
      if (sep.t !== ",") parseError(`found '${describe(sep)}', expected: ',' or 'end of string'`);
    }
  }
  return {
    requirements,
    empty: requirements.length === 0,
    matches: (labels) => requirements.every((r) => requirementMatches(r, labels ?? {})),
  };
}

/** The string form of a structured LabelSelector, as `status.selector` of a Scale carries it. */
export function labelSelectorToString(
  sel: { matchLabels?: Record<string, string>; matchExpressions?: { key: string; operator: string; values?: string[] }[] } | undefined,
): string {
  if (!sel) return "";
  const parts: string[] = [];
  for (const [k, v] of Object.entries(sel.matchLabels ?? {})) parts.push(`${k}=${v}`);
  for (const e of sel.matchExpressions ?? []) {
    const values = [...(e.values ?? [])].sort().join(",");
    if (e.operator === "In") parts.push(`${e.key} in (${values})`);
    else if (e.operator === "NotIn") parts.push(`${e.key} notin (${values})`);
    else if (e.operator === "Exists") parts.push(e.key);
    else if (e.operator === "DoesNotExist") parts.push(`!${e.key}`);
  }
  return parts.sort().join(",");
}

// --- field selectors ---

export interface FieldRequirement {
  field: string;
  op: "=" | "!=";
  value: string;
}

export interface FieldSelectorMatcher {
  requirements: FieldRequirement[];
  matches(obj: KObject): boolean;
  /** The value a `field=value` requirement pins, for index lookups (spec.nodeName, metadata.name). */
  equals(field: string): string | undefined;
  empty: boolean;
}

type FieldGetter = (obj: KObject) => string;

const str = (v: unknown): string => (v === undefined || v === null ? "" : String(v));
const boolField = (v: unknown): string => (v ? "true" : "false");

const COMMON_FIELDS: Record<string, FieldGetter> = {
  "metadata.name": (o) => o.metadata.name,
  "metadata.namespace": (o) => str(o.metadata.namespace),
};

// Per kind, the field labels the real registries register (pkg/registry/*/strategy.go).
const KIND_FIELDS: Record<string, Record<string, FieldGetter>> = {
  pods: {
    "spec.nodeName": (o) => str(o.spec?.nodeName),
    "spec.restartPolicy": (o) => str(o.spec?.restartPolicy),
    "spec.schedulerName": (o) => str(o.spec?.schedulerName),
    "spec.serviceAccountName": (o) => str(o.spec?.serviceAccountName),
    "spec.hostNetwork": (o) => boolField(o.spec?.hostNetwork),
    "status.phase": (o) => str(o.status?.phase),
    "status.podIP": (o) => str(o.status?.podIP),
    "status.podIPs": (o) => str(o.status?.podIPs?.[0]?.ip ?? o.status?.podIP),
    "status.nominatedNodeName": (o) => str(o.status?.nominatedNodeName),
  },
  nodes: {
    "spec.unschedulable": (o) => boolField(o.spec?.unschedulable),
  },
  namespaces: {
    "status.phase": (o) => str(o.status?.phase),
  },
  events: {
    "involvedObject.kind": (o) => str((o.involvedObject as Record<string, unknown>)?.kind),
    "involvedObject.namespace": (o) => str((o.involvedObject as Record<string, unknown>)?.namespace),
    "involvedObject.name": (o) => str((o.involvedObject as Record<string, unknown>)?.name),
    "involvedObject.uid": (o) => str((o.involvedObject as Record<string, unknown>)?.uid),
    "involvedObject.apiVersion": (o) => str((o.involvedObject as Record<string, unknown>)?.apiVersion),
    "involvedObject.resourceVersion": (o) => str((o.involvedObject as Record<string, unknown>)?.resourceVersion),
    "involvedObject.fieldPath": (o) => str((o.involvedObject as Record<string, unknown>)?.fieldPath),
    reason: (o) => str(o.reason),
    reportingComponent: (o) => str(o.reportingComponent),
    source: (o) => str((o.source as Record<string, unknown>)?.component),
    type: (o) => str(o.type),
  },
  services: {
    "spec.clusterIP": (o) => str(o.spec?.clusterIP),
    "spec.type": (o) => str(o.spec?.type),
  },
  "apps/replicasets": {
    "status.replicas": (o) => str(o.status?.replicas ?? 0),
  },
  "batch/jobs": {
    "status.successful": (o) => str(o.status?.successful ?? 0),
  },
};

export function parseFieldSelector(input: string | null | undefined, resourceKey: string): FieldSelectorMatcher {
  const text = (input ?? "").trim();
  const requirements: FieldRequirement[] = [];
  const getters: FieldGetter[] = [];
  if (text) {
    for (const part of splitTerms(text)) {
      const m = /^(.*?)(==|!=|=)(.*)$/.exec(part);
      if (!m) throw badRequest(`invalid selector: '${text}'; can't understand '${part}'`);
      const field = m[1].trim();
      const value = unescapeFieldValue(m[3].trim());
      const getter = COMMON_FIELDS[field] ?? KIND_FIELDS[resourceKey]?.[field];
      if (!getter) throw badRequest(`field label not supported: ${field}`);
      requirements.push({ field, op: m[2] === "!=" ? "!=" : "=", value });
      getters.push(getter);
    }
  }
  return {
    requirements,
    empty: requirements.length === 0,
    matches: (obj) => requirements.every((r, i) => (getters[i](obj) === r.value) === (r.op === "=")),
    equals: (field) => requirements.find((r) => r.field === field && r.op === "=")?.value,
  };
}

// Field selector values escape `\`, `,` and `=` with a backslash (fields.EscapeValue).
function splitTerms(text: string): string[] {
  const out: string[] = [];
  let cur = "";
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === "\\" && i + 1 < text.length) {
      cur += c + text[i + 1];
      i++;
    } else if (c === ",") {
      out.push(cur);
      cur = "";
    } else cur += c;
  }
  out.push(cur);
  return out.filter((p) => p.trim() !== "");
}

function unescapeFieldValue(v: string): string {
  return v.replace(/\\([\\,=])/g, "$1");
}
