import "server-only";
import { randomBytes } from "node:crypto";
import { log } from "@/lib/observe/logger";

/** A short id tying an error shown to a user to the matching server log line. */
export function newRef(): string {
  return randomBytes(6).toString("hex");
}

const PATTERNS: [RegExp, string][] = [
  [/(postgres(?:ql)?:\/\/[^:/\s]+:)[^@\s]+@/gi, "$1***@"],
  [/\balk_[A-Za-z0-9_-]{8,}/g, "alk_***"],
  [/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/gi, "$1 ***"],
  [/\b(password|passwd|secret|token|api[_-]?key)(["']?\s*[:=]\s*["']?)[^\s"',}]+/gi, "$1$2***"],
  [/eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]+/g, "***jwt***"],
];

/** Removes credentials that error texts sometimes carry (connection strings, tokens, JWTs). */
export function redact(text: string): string {
  let out = text;
  for (const [re, sub] of PATTERNS) out = out.replace(re, sub);
  return out;
}

export type LogFields = Record<string, string | number | boolean | null | undefined>;

/** One error line through the console's logger: ref, where, error name, redacted message and stack. */
export function logError(ref: string, err: unknown, fields: LogFields = {}): void {
  const e = err instanceof Error ? err : new Error(typeof err === "string" ? err : "non-Error thrown");
  log().error({ ref, ...fields, error: { name: e.name, message: redact(e.message), stack: e.stack ? redact(e.stack) : undefined } }, redact(e.message));
}

/**
 * One line per request through either door, carrying the id an error reference shows the user.
 * Only the method, the path (no query string: it may hold a token) and the outcome: never a body.
 */
export function logRequest(line: {
  door: "route" | "action";
  requestId: string;
  started: number;
  method?: string;
  path?: string;
  status?: number;
  ok?: boolean;
}): void {
  const { started, ...fields } = line;
  const ms = Math.round(performance.now() - started);
  log().info({ ...fields, ms }, "request");
}
