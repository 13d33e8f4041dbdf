import "server-only";
import { processSingleton } from "@/lib/process-singleton";
import { approvalSettingsFromEnv, type ApprovalSettings } from "./policy-schema";

const cache = processSingleton("approvals.settings", () => ({ entry: undefined as { key: string; settings: ApprovalSettings } | undefined }));

const VARS = [
  "APPROVAL_POLICY",
  "APPROVAL_POLICY_FILE",
  "APPROVAL_TTL_MINUTES",
  "APPROVAL_SINGLE_USE",
  "PROTECTED_NAMESPACES",
  "NOTIFY_WEBHOOK_URL",
  "NOTIFY_SLACK_WEBHOOK_URL",
] as const;

/**
 * The approval settings of this process. Read from the environment on their own rather than via
 * config(), so the executor's policy check never depends on unrelated settings; config() has
 * already refused a bad value at start (lib/config/schema.ts). Re-read when the variables change.
 */
export function approvalSettings(): ApprovalSettings {
  const key = JSON.stringify(VARS.map((v) => process.env[v] ?? null));
  if (cache.entry?.key !== key) cache.entry = { key, settings: approvalSettingsFromEnv(process.env) };
  return cache.entry.settings;
}

/** The console's public base URL for links in notifications, when configured. */
export function consoleBaseUrl(): string | undefined {
  const url = process.env.NEXTAUTH_URL?.trim();
  return url && URL.canParse(url) ? url : undefined;
}
