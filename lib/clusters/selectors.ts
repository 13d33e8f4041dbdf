// Label-selector matching and syntax, shared by the browse services (which Services and
// NetworkPolicies select a pod), the containment targets, preflight rules and steps (what might
// still admit traffic or block a drain), and the input validation of every list door. No server
// code: the pods page validates its filter box with the same rules.

export type LabelSelectorRequirement = { key: string; operator: string; values?: string[] | null };
export type LabelSelector = {
  matchLabels?: Record<string, string> | null;
  matchExpressions?: LabelSelectorRequirement[] | null;
};

/** A Service's `spec.selector`: every pair must match; an empty or missing map selects nothing. */
export function serviceSelects(selector: Record<string, string> | null | undefined, labels: Record<string, string> | null | undefined): boolean {
  if (!selector || Object.keys(selector).length === 0) return false;
  const l = labels ?? {};
  return Object.entries(selector).every(([k, v]) => l[k] === v);
}

/**
 * A metav1.LabelSelector (NetworkPolicy podSelector, PDB selector): an empty or missing selector
 * selects every pod; an unknown operator selects nothing, the safe reading for a check whose
 * purpose is to find what might still admit traffic or block a drain.
 */
export function labelSelectorMatches(selector: LabelSelector | null | undefined, labels: Record<string, string> | null | undefined): boolean {
  const l = labels ?? {};
  for (const [k, v] of Object.entries(selector?.matchLabels ?? {})) if (l[k] !== v) return false;
  for (const req of selector?.matchExpressions ?? []) {
    const has = Object.prototype.hasOwnProperty.call(l, req.key);
    const values = req.values ?? [];
    switch (req.operator) {
      case "In":
        if (!has || !values.includes(l[req.key])) return false;
        break;
      case "NotIn":
        if (has && values.includes(l[req.key])) return false;
        break;
      case "Exists":
        if (!has) return false;
        break;
      case "DoesNotExist":
        if (has) return false;
        break;
      default:
        // The API server rejects unknown operators; never guess that one matches.
        return false;
    }
  }
  return true;
}

/** The query-string form of a LabelSelector, so the API server does the filtering. */
export function labelSelectorToString(selector: LabelSelector | null | undefined): string {
  const parts: string[] = [];
  for (const [k, v] of Object.entries(selector?.matchLabels ?? {})) parts.push(`${k}=${v}`);
  for (const req of selector?.matchExpressions ?? []) {
    const values = [...(req.values ?? [])].sort().join(",");
    if (req.operator === "In") parts.push(`${req.key} in (${values})`);
    else if (req.operator === "NotIn") parts.push(`${req.key} notin (${values})`);
    else if (req.operator === "Exists") parts.push(req.key);
    else if (req.operator === "DoesNotExist") parts.push(`!${req.key}`);
  }
  return parts.join(",");
}

export function selectorMapToString(selector: Record<string, string> | null | undefined): string {
  return Object.entries(selector ?? {})
    .map(([k, v]) => `${k}=${v}`)
    .join(",");
}

const NAME = /^[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const PREFIX = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

function isLabelKey(key: string): boolean {
  const slash = key.indexOf("/");
  if (slash < 0) return NAME.test(key);
  const prefix = key.slice(0, slash);
  return prefix.length <= 253 && PREFIX.test(prefix) && NAME.test(key.slice(slash + 1));
}

function isLabelValue(value: string): boolean {
  return value === "" || NAME.test(value);
}

/** Splits on commas that are not inside `( … )`. */
function splitTopLevel(text: string): string[] | null {
  const out: string[] = [];
  let depth = 0;
  let cur = "";
  for (const ch of text) {
    if (ch === "(") depth++;
    if (ch === ")") depth--;
    if (depth < 0 || depth > 1) return null;
    if (ch === "," && depth === 0) {
      out.push(cur);
      cur = "";
    } else cur += ch;
  }
  if (depth !== 0) return null;
  out.push(cur);
  return out;
}

/**
 * Why a label selector string is invalid, or null when the API server would accept it:
 * `k=v`, `k==v`, `k!=v`, `k in (a,b)`, `k notin (a,b)`, `k`, `!k`, comma-separated.
 */
export function labelSelectorProblem(text: string): string | null {
  if (text.trim() === "") return null;
  if (text.length > 4096) return "label selector is too long";
  const reqs = splitTopLevel(text);
  if (!reqs) return "unbalanced parentheses in label selector";
  for (const raw of reqs) {
    const req = raw.trim();
    if (req === "") return "empty requirement in label selector (stray comma?)";
    let m: RegExpExecArray | null;
    if ((m = /^(\S+?)\s+(in|notin)\s*\((.*)\)$/.exec(req))) {
      if (!isLabelKey(m[1])) return `"${m[1]}" is not a valid label key`;
      const values = m[3].split(",").map((v) => v.trim());
      if (m[2] === "in" && values.length === 1 && values[0] === "") return `"${m[1]} in ()" needs at least one value`;
      for (const v of values) if (!isLabelValue(v)) return `"${v}" is not a valid label value`;
      continue;
    }
    if ((m = /^(\S+?)\s*(==|!=|=)\s*(\S*)$/.exec(req))) {
      if (!isLabelKey(m[1])) return `"${m[1]}" is not a valid label key`;
      if (!isLabelValue(m[3])) return `"${m[3]}" is not a valid label value`;
      continue;
    }
    if ((m = /^!\s*(\S+)$/.exec(req))) {
      if (!isLabelKey(m[1])) return `"${m[1]}" is not a valid label key`;
      continue;
    }
    if (isLabelKey(req)) continue;
    return `"${req}" is not a label selector requirement (use key=value, key!=value, key in (a,b), key, !key)`;
  }
  return null;
}

/** Why a field selector string is invalid (`f=v`, `f==v`, `f!=v`, comma-separated), or null. */
export function fieldSelectorProblem(text: string): string | null {
  if (text.trim() === "") return null;
  if (text.length > 4096) return "field selector is too long";
  for (const raw of text.split(",")) {
    const req = raw.trim();
    const m = /^([A-Za-z][A-Za-z0-9.]*)\s*(==|!=|=)\s*([^=!,\s]*)$/.exec(req);
    if (!m) return `"${req}" is not a field selector requirement (use field=value or field!=value)`;
  }
  return null;
}
