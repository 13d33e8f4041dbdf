import type { GcpJson } from "../state";
import type { ComputeCtx } from "./context";
import { badRequest, invalidField } from "./errors";

// list/aggregatedList plumbing shared by every collection: the `filter` grammar Compute
// accepts and maxResults/pageToken paging.
//
// Two filter dialects reach the API. gcloud rewrites its --filter to the legacy form
// (`name eq "re"`, `status ne RUNNING`, AND-ed by wrapping terms in parentheses: `(a eq x)(b eq y)`,
// where eq/ne take a fully anchored RE2 pattern). The client libraries and the console send the
// newer form (`name = "x"`, `!=`, `:` for "has", `<`/`>`, AND/OR/NOT and parentheses).

type Pred = (item: GcpJson) => boolean;

export function compileFilter(filter: string | null | undefined): Pred {
  const text = (filter ?? "").trim();
  if (!text) return () => true;
  try {
    const legacy = parseLegacy(text);
    if (legacy) return legacy;
    const p = new Parser(tokenize(text));
    const pred = p.parseOr();
    if (!p.done()) throw new Error("trailing input");
    return pred;
  } catch (err) {
    throw invalidField("filter", text, `Invalid list filter expression: ${(err as Error).message}.`);
  }
}

const LEGACY_TERM = /^\s*\(?\s*([A-Za-z_][\w.]*)\s+(eq|ne)\s+("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|[^()\s]+)\s*\)?\s*/;

function parseLegacy(text: string): Pred | undefined {
  const preds: Pred[] = [];
  let rest = text;
  while (rest.length) {
    const m = LEGACY_TERM.exec(rest);
    if (!m) return undefined;
    const [, field, op, raw] = m;
    const re = anchoredRegex(unquote(raw));
    const test = (item: GcpJson) => valuesAt(item, field).some((v) => re.test(stringify(v)));
    preds.push(op === "eq" ? test : (item) => !test(item));
    rest = rest.slice(m[0].length);
  }
  return (item) => preds.every((p) => p(item));
}

function anchoredRegex(pattern: string): RegExp {
  let flags = "";
  let body = pattern;
  if (body.startsWith("(?i)")) {
    flags = "i";
    body = body.slice(4);
  }
  return new RegExp(`^(?:${body})$`, flags);
}

function unquote(raw: string): string {
  if ((raw.startsWith('"') && raw.endsWith('"')) || (raw.startsWith("'") && raw.endsWith("'"))) {
    return raw.slice(1, -1).replace(/\\(.)/g, "$1");
  }
  return raw;
}

/** Values at a dotted path; arrays fan out, so `tags.items = quarantine` means "has". */
function valuesAt(item: GcpJson, path: string): unknown[] {
  let current: unknown[] = [item];
  for (const key of path.split(".")) {
    const next: unknown[] = [];
    for (const c of current) {
      if (c === null || c === undefined) continue;
      if (Array.isArray(c)) {
        for (const e of c) if (e && typeof e === "object" && key in e) next.push((e as GcpJson)[key]);
      } else if (typeof c === "object" && key in (c as GcpJson)) next.push((c as GcpJson)[key]);
    }
    current = next;
  }
  return current.flatMap((v) => (Array.isArray(v) ? v : [v]));
}

function stringify(v: unknown): string {
  return typeof v === "object" ? JSON.stringify(v) : String(v);
}

type Token = { t: "(" | ")" | "op" | "word" | "str"; v: string };

function tokenize(text: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (/\s/.test(c)) i++;
    else if (c === "(" || c === ")") {
      out.push({ t: c, v: c });
      i++;
    } else if (c === '"' || c === "'") {
      let j = i + 1;
      let s = "";
      while (j < text.length && text[j] !== c) {
        if (text[j] === "\\") j++;
        s += text[j++];
      }
      if (j >= text.length) throw new Error("unterminated string");
      out.push({ t: "str", v: s });
      i = j + 1;
    } else {
      const op = /^(!=|>=|<=|=|<|>|:)/.exec(text.slice(i));
      if (op) {
        out.push({ t: "op", v: op[1] });
        i += op[1].length;
      } else {
        const w = /^[^\s()=!<>:"']+/.exec(text.slice(i));
        if (!w) throw new Error(`unexpected '${c}'`);
        out.push({ t: "word", v: w[0] });
        i += w[0].length;
      }
    }
  }
  return out;
}

class Parser {
  private i = 0;
  constructor(private readonly tokens: Token[]) {}
  done(): boolean {
    return this.i >= this.tokens.length;
  }
  private peek(): Token | undefined {
    return this.tokens[this.i];
  }
  private isWord(v: string): boolean {
    const t = this.peek();
    return t?.t === "word" && t.v.toUpperCase() === v;
  }
  parseOr(): Pred {
    let left = this.parseAnd();
    while (this.isWord("OR")) {
      this.i++;
      const a = left;
      const b = this.parseAnd();
      left = (x) => a(x) || b(x);
    }
    return left;
  }
  private parseAnd(): Pred {
    let left = this.parseUnary();
    for (;;) {
      if (this.isWord("AND")) this.i++;
      else if (!(this.peek()?.t === "(" || (this.peek()?.t === "word" && !this.isWord("OR")) || this.isWord("NOT"))) break;
      const a = left;
      const b = this.parseUnary();
      left = (x) => a(x) && b(x);
    }
    return left;
  }
  private parseUnary(): Pred {
    if (this.isWord("NOT") || (this.peek()?.t === "word" && this.peek()!.v === "-")) {
      this.i++;
      const p = this.parseUnary();
      return (x) => !p(x);
    }
    const t = this.peek();
    if (t?.t === "(") {
      this.i++;
      const p = this.parseOr();
      if (this.peek()?.t !== ")") throw new Error("missing ')'");
      this.i++;
      return p;
    }
    if (t?.t !== "word") throw new Error("expected a field name");
    this.i++;
    const op = this.peek();
    if (op?.t !== "op") throw new Error(`expected an operator after ${t.v}`);
    this.i++;
    const val = this.peek();
    if (val?.t !== "word" && val?.t !== "str") throw new Error(`expected a value after ${t.v} ${op.v}`);
    this.i++;
    return comparison(t.v, op.v, val.v);
  }
}

function comparison(field: string, op: string, value: string): Pred {
  const glob = new RegExp(
    `^${value
      .split("*")
      .map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"))
      .join(".*")}$`,
  );
  const numeric = value !== "" && !Number.isNaN(Number(value));
  const cmp = (v: unknown): boolean => {
    const s = stringify(v);
    switch (op) {
      case "=":
        return value.includes("*") ? glob.test(s) : s === value;
      case "!=":
        return s !== value;
      case ":":
        return value === "*" ? true : glob.test(s) || s === value;
      default: {
        const [a, b] = numeric && !Number.isNaN(Number(s)) ? [Number(s), Number(value)] : [s, value];
        return op === "<" ? a < b : op === "<=" ? a <= b : op === ">" ? a > b : a >= b;
      }
    }
  };
  if (op === "!=") return (item) => valuesAt(item, field).every(cmp);
  return (item) => valuesAt(item, field).some(cmp);
}

export interface Page<T> {
  items: T[];
  nextPageToken?: string;
}

/** Compute pages by position in a stable order; the token is opaque to clients. */
export function paginate<T>(items: T[], query: URLSearchParams): Page<T> {
  const maxText = query.get("maxResults");
  let max = 500;
  if (maxText !== null) {
    max = Number(maxText);
    if (!Number.isInteger(max) || max < 0) throw invalidField("maxResults", maxText, "Must be a non-negative integer.");
    if (max === 0 || max > 500) max = 500;
  }
  const token = query.get("pageToken");
  let start = 0;
  if (token) {
    const m = /^offset:(\d+)$/.exec(Buffer.from(token, "base64url").toString("utf8"));
    if (!m) throw badRequest("Invalid page token.");
    start = Number(m[1]);
  }
  const page = items.slice(start, start + max);
  const next = start + max < items.length ? Buffer.from(`offset:${start + max}`).toString("base64url") : undefined;
  return { items: page, ...(next ? { nextPageToken: next } : {}) };
}

/** The `compute#xList` envelope; `items` is left out when empty, as the real API does. */
export function listEnvelope(kind: string, id: string, selfLink: string, all: GcpJson[], query: URLSearchParams): GcpJson {
  const pred = compileFilter(query.get("filter"));
  const sorted = sortFor(all.filter(pred), query.get("orderBy"));
  const page = paginate(sorted, query);
  return { kind, id, ...(page.items.length ? { items: page.items } : {}), ...(page.nextPageToken ? { nextPageToken: page.nextPageToken } : {}), selfLink };
}

/** The list answer of the collection at `path` below the project (`global/firewalls`, `zones/z/disks`): its id and selfLink both name that path. */
export function listAt(ctx: ComputeCtx, kind: string, path: string, items: GcpJson[]): GcpJson {
  return listEnvelope(kind, `projects/${ctx.project}/${path}`, `${ctx.world.gcp.computeBase()}/${path}`, items, ctx.query);
}

/** Copies of what a store holds, or, with `scope`, of what it holds under keys `scope/…` (a zone, a region). */
export function storedItems(store: Map<string, GcpJson>, scope?: string): GcpJson[] {
  const entries = [...store.entries()];
  return (scope === undefined ? entries : entries.filter(([k]) => k.startsWith(`${scope}/`))).map(([, v]) => structuredClone(v));
}

export function sortFor(items: GcpJson[], orderBy: string | null): GcpJson[] {
  if (orderBy && !/^(name|creationTimestamp)( desc)?$/.test(orderBy.trim())) {
    throw invalidField("orderBy", orderBy, "Only ordering by name or creationTimestamp is supported.");
  }
  const key = orderBy?.startsWith("creationTimestamp") ? "creationTimestamp" : "name";
  const desc = orderBy?.trim().endsWith(" desc") ?? false;
  const sorted = [...items].sort((a, b) => String(a[key]).localeCompare(String(b[key])) || String(a.name).localeCompare(String(b.name)));
  return desc ? sorted.reverse() : sorted;
}
