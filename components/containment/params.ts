import type { IncidentTargets } from "@/lib/containment/types";
import type { FormField, TargetList } from "@/lib/containment/ui";

/**
 * How a step's plan form becomes the params object the engine validates. The step's form
 * descriptor says which fields there are; its zod schema stays the authority on what is valid.
 */
export type StepParams = Record<string, unknown>;

export function paramsFromForm(fields: readonly FormField[], fd: FormData): StepParams {
  const text = (name: string) => {
    const v = fd.get(name);
    return typeof v === "string" ? v.trim() : "";
  };
  const params: StepParams = {};
  for (const f of fields) {
    switch (f.kind) {
      case "checkbox":
        params[f.name] = fd.get(f.name) === "on";
        break;
      case "text":
        params[f.name] = text(f.name);
        break;
      case "radio":
        params[f.name] = text(f.name) || f.default;
        break;
      case "select":
        // An empty list leaves the choice to the step (e.g. a pod's only container).
        if (text(f.name)) params[f.name] = text(f.name);
        break;
      case "radio-each": {
        const prefix = `${f.name}.`;
        const chosen: Record<string, string> = {};
        for (const [key, value] of fd.entries()) {
          if (key.startsWith(prefix) && typeof value === "string") chosen[key.slice(prefix.length)] = value;
        }
        params[f.name] = chosen;
        break;
      }
    }
  }
  return params;
}

/** The incident's targets a field offers as choices. */
export function targetChoices(targets: IncidentTargets, from: TargetList): string[] {
  return targets[from];
}
