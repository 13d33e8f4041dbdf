// One evaluation of label requirements for the whole simulator: the string form the API parses
// from `?labelSelector=` (api/selectors.ts) and the structured metav1.LabelSelector that
// NetworkPolicies, PDBs and workload controllers carry both come down to these requirements.

export type LabelOperator = "=" | "!=" | "in" | "notin" | "exists" | "!" | "gt" | "lt";

export interface LabelRequirement {
  key: string;
  op: LabelOperator;
  values: string[];
}

export interface LabelSelectorRequirement {
  key: string;
  operator: "In" | "NotIn" | "Exists" | "DoesNotExist" | string;
  values?: string[];
}

/** metav1.LabelSelector: matchLabels and matchExpressions, all of which must hold. */
export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: LabelSelectorRequirement[];
}

export function requirementMatches(r: LabelRequirement, labels: Record<string, string>): boolean {
  const has = Object.prototype.hasOwnProperty.call(labels, r.key);
  const v = labels[r.key];
  switch (r.op) {
    case "=":
    case "in":
      return has && r.values.includes(v);
    case "!=":
    case "notin":
      return !has || !r.values.includes(v);
    case "exists":
      return has;
    case "!":
      return !has;
    case "gt":
    case "lt": {
      if (!has || !/^-?\d+$/.test(v)) return false;
      return r.op === "gt" ? Number(v) > Number(r.values[0]) : Number(v) < Number(r.values[0]);
    }
  }
}

const OPERATORS: Record<string, LabelOperator> = { In: "in", NotIn: "notin", Exists: "exists", DoesNotExist: "!" };

/**
 * Does a structured selector select these labels? An empty selector ({}) selects everything;
 * what a missing one means is the caller's decision. matchLabels values compare strictly, so a
 * value that slipped past validation as a YAML boolean (ERRATA 1) does not match the string
 * label "true"; an operator the API server would have rejected selects nothing.
 */
export function labelSelectorMatches(selector: LabelSelector, labels: Record<string, string> | undefined): boolean {
  const l = labels ?? {};
  for (const [key, value] of Object.entries(selector.matchLabels ?? {})) {
    if (!requirementMatches({ key, op: "=", values: [value] }, l)) return false;
  }
  for (const e of selector.matchExpressions ?? []) {
    const op = Object.prototype.hasOwnProperty.call(OPERATORS, e.operator) ? OPERATORS[e.operator] : undefined;
    if (!op || !requirementMatches({ key: e.key, op, values: e.values ?? [] }, l)) return false;
  }
  return true;
}

/** Service selectors are plain maps; an empty or missing one selects nothing. */
export function mapSelectorMatches(selector: Record<string, string> | undefined, labels: Record<string, string> | undefined): boolean {
  if (!selector || Object.keys(selector).length === 0) return false;
  return labelSelectorMatches({ matchLabels: selector }, labels);
}
