import { labelSelectorMatches as selectorMatches, serviceSelects, type LabelSelector } from "@/lib/clusters/selectors";

// What steps need on top of plain matching: which keys bind a pod to a selector, and the
// quarantine exclusion of ERRATA 3.

export type Labels = Record<string, string>;
export type { LabelSelector };
type ApiLabelSelector = LabelSelector | null | undefined;

export const labelSelectorMatches = (selector: ApiLabelSelector, labels: Labels): boolean => !!selector && selectorMatches(selector, labels);
export const serviceSelectorMatches = serviceSelects;

/**
 * Keys whose removal makes the pod stop matching `selector`: matchLabels keys it carries, and
 * the keys of In/Exists expressions it satisfies. NotIn/DoesNotExist are satisfied by an absent
 * key, so removing those labels would not release the pod.
 */
export function bindingKeys(selector: ApiLabelSelector, labels: Labels): string[] {
  if (!labelSelectorMatches(selector, labels)) return [];
  const keys = new Set<string>();
  for (const [k, v] of Object.entries(selector?.matchLabels ?? {})) if (labels[k] === v) keys.add(k);
  for (const r of selector?.matchExpressions ?? []) {
    if ((r.operator === "In" || r.operator === "Exists") && Object.prototype.hasOwnProperty.call(labels, r.key)) keys.add(r.key);
  }
  return [...keys];
}

export const QUARANTINE_KEY = "quarantine";
export const QUARANTINE_VALUE = "true";

/** The requirement ERRATA 3 adds to allow policies so they stop selecting the quarantined pod. */
export const EXCLUDE_QUARANTINED = { key: QUARANTINE_KEY, operator: "NotIn", values: [QUARANTINE_VALUE] };

export function hasExclusion(selector: ApiLabelSelector): boolean {
  return (selector?.matchExpressions ?? []).some((r) => r.key === QUARANTINE_KEY && r.operator === "NotIn" && (r.values ?? []).includes(QUARANTINE_VALUE));
}

export function isQuarantined(labels: Labels | null | undefined): boolean {
  return labels?.[QUARANTINE_KEY] === QUARANTINE_VALUE;
}
