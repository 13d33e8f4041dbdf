import { bindingKeys, serviceSelectorMatches, type LabelSelector, type Labels } from "./selectors";

// Which of the pod's labels tie it to its controller and to Services (ERRATA 5): only those are
// stripped by orphan-pod, so NetworkPolicy-only labels (e.g. tier) stay and the pod keeps its identity.

export interface ControllerSelector {
  kind: string;
  name: string;
  selector: LabelSelector | null | undefined;
}

export interface ServiceSelector {
  name: string;
  selector: Labels | null | undefined;
}

export interface Binding {
  key: string;
  value: string;
  /** e.g. "ReplicaSet checkout-7d9f", "Service checkout" */
  boundBy: string[];
}

export function bindingLabels(labels: Labels, controllers: ControllerSelector[], services: ServiceSelector[]): Binding[] {
  const out = new Map<string, Binding>();
  const add = (key: string, by: string) => {
    const b = out.get(key) ?? { key, value: labels[key], boundBy: [] };
    if (!b.boundBy.includes(by)) b.boundBy.push(by);
    out.set(key, b);
  };
  for (const c of controllers) for (const k of bindingKeys(c.selector, labels)) add(k, `${c.kind} ${c.name}`);
  for (const s of services) {
    if (!serviceSelectorMatches(s.selector, labels)) continue;
    for (const k of Object.keys(s.selector ?? {})) add(k, `Service ${s.name}`);
  }
  return [...out.values()].sort((a, b) => a.key.localeCompare(b.key));
}

export const REMOVED_LABELS_ANNOTATION = "airlock.io/removed-labels";

/** The removed labels kept on the pod by orphan-pod; undefined when absent or unreadable. */
export function removedLabels(annotations: Record<string, string> | null | undefined): Labels | undefined {
  const raw = annotations?.[REMOVED_LABELS_ANNOTATION];
  if (!raw) return undefined;
  try {
    const parsed = JSON.parse(raw) as unknown;
    if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) return undefined;
    const out: Labels = {};
    for (const [k, v] of Object.entries(parsed)) if (typeof v === "string") out[k] = v;
    return out;
  } catch {
    return undefined;
  }
}
