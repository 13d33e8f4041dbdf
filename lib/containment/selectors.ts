/** A Kubernetes LabelSelector as the API serves it (matchLabels and matchExpressions). */
export type LabelSelector = {
  matchLabels?: Record<string, string> | null;
  matchExpressions?: { key: string; operator: string; values?: string[] | null }[] | null;
} | null | undefined;

/**
 * Does a LabelSelector select these labels? An empty selector selects everything (the
 * NetworkPolicy/PDB meaning); an unknown operator selects nothing, the safe reading for a check
 * whose purpose is to find what might still admit traffic or block a drain.
 */
export function selectorMatches(selector: LabelSelector, labels: Record<string, string> | undefined | null): boolean {
  const l = labels ?? {};
  for (const [k, v] of Object.entries(selector?.matchLabels ?? {})) if (l[k] !== v) return false;
  for (const e of selector?.matchExpressions ?? []) {
    const has = Object.prototype.hasOwnProperty.call(l, e.key);
    const values = e.values ?? [];
    switch (e.operator) {
      case "In":
        if (!has || !values.includes(l[e.key])) return false;
        break;
      case "NotIn":
        if (has && values.includes(l[e.key])) return false;
        break;
      case "Exists":
        if (!has) return false;
        break;
      case "DoesNotExist":
        if (has) return false;
        break;
      default:
        return false;
    }
  }
  return true;
}

/** A Service's map selector: a Service without one selects no pods (its endpoints are managed by hand). */
export function serviceSelects(selector: Record<string, string> | undefined | null, labels: Record<string, string> | undefined | null): boolean {
  const entries = Object.entries(selector ?? {});
  if (entries.length === 0) return false;
  const l = labels ?? {};
  return entries.every(([k, v]) => l[k] === v);
}
