/**
 * The params a step run was stored with, for re-verifying it: text that does not parse as a JSON
 * object reads as no params, so a damaged row still gets a verify (which then says what it lacks)
 * instead of failing the whole board or report.
 */
export function safeParams(text: string | undefined): Record<string, unknown> {
  try {
    const v = JSON.parse(text ?? "{}") as unknown;
    return v && typeof v === "object" ? (v as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}
