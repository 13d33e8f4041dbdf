/**
 * Which steps take parameters in the wizard, and how the plan form's fields become the params
 * object the engine validates (its zod schema is the authority; this only shapes the input).
 */
export type StepParams = Record<string, unknown>;

export const STEPS_WITH_PARAMS = new Set(["collect-evidence", "drain-node", "detach-services", "firewall-isolate", "restart-container"]);

export function paramsFromForm(stepId: string, fd: FormData): StepParams {
  const text = (name: string) => {
    const v = fd.get(name);
    return typeof v === "string" ? v.trim() : "";
  };
  switch (stepId) {
    case "collect-evidence":
      return fd.get("recollect") === "on" ? { recollect: true } : {};
    case "drain-node":
      return { force: fd.get("force") === "on" };
    case "firewall-isolate":
      return { sshSourceRange: text("sshSourceRange"), protocol: text("protocol") || "all" };
    case "restart-container":
      return text("container") ? { container: text("container") } : {};
    case "detach-services": {
      const mode: Record<string, string> = {};
      for (const [key, value] of fd.entries()) {
        if (key.startsWith("mode.") && typeof value === "string") mode[key.slice("mode.".length)] = value;
      }
      return { mode };
    }
    default:
      return {};
  }
}
