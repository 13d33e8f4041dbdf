import { z } from "zod";
import { approvalSettingsFromEnv, ApprovalSettingsError } from "../approvals/policy-schema";
import { alertsEnv, alertsProblems } from "./alerts";
import { evidenceEnv, evidenceProblems } from "./evidence";

/**
 * Roles a user can hold. Kept here (not in lib/auth) so config can validate OIDC_ROLE_MAP without a cycle.
 * `ingest` is for alert senders' tokens: it may post alerts and nothing else.
 */
export const ROLES = ["analyst", "lead", "approver", "admin", "ingest"] as const;
export type Role = (typeof ROLES)[number];

export type RoleMapRule = { pattern: string; roles: Role[] };

/** New passwords (local accounts, the demo's included) are at least this long. */
export const MIN_PASSWORD_LENGTH = 12;
export const DEFAULT_DEMO_PASSWORD = "airlock-demo";

const flag = (name: string) =>
  optionalText.refine((v) => v === undefined || ["0", "1", "true", "false"].includes(v), { message: `${name} must be "1" or "0"` });
export const isOn = (v: string | undefined) => v === "1" || v === "true";

const GOOGLE_ENDPOINTS = ["GOOGLE_COMPUTE_ENDPOINT", "GOOGLE_CONTAINER_ENDPOINT", "GOOGLE_STORAGE_ENDPOINT", "GOOGLE_IAM_ENDPOINT"] as const;

const optionalText = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === "" ? undefined : v.trim()));

const optionalUrl = (name: string) =>
  optionalText.refine((v) => v === undefined || URL.canParse(v), {
    message: `${name} must be a URL (e.g. http://127.0.0.1:8443)`,
  });

/** An image a step runs inside a compromised pod: only a digest-pinned reference (a tag could be moved to other contents). */
const pinnedImage = (name: string) =>
  optionalText.pipe(
    z
      .string()
      .regex(/@sha256:[0-9a-f]{64}$/, { message: `${name} must be pinned by digest (image@sha256:<64 hex digits>)` })
      .optional(),
  );

/**
 * Parses `alice@x.com=analyst,lead;*@x.com=analyst`.
 * Rules are tried in order; the first whose pattern matches the email wins.
 * `*` matches any run of characters.
 */
export function parseRoleMap(text: string): RoleMapRule[] {
  const rules: RoleMapRule[] = [];
  for (const part of text.split(";")) {
    const trimmed = part.trim();
    if (!trimmed) continue;
    const eq = trimmed.indexOf("=");
    if (eq <= 0) throw new Error(`rule "${trimmed}" must look like email=role[,role]`);
    const pattern = trimmed.slice(0, eq).trim().toLowerCase();
    const roles = trimmed
      .slice(eq + 1)
      .split(",")
      .map((r) => r.trim())
      .filter(Boolean);
    if (roles.length === 0) throw new Error(`rule "${trimmed}" names no role`);
    for (const r of roles) {
      if (!(ROLES as readonly string[]).includes(r)) {
        throw new Error(`rule "${trimmed}": unknown role "${r}" (known: ${ROLES.join(", ")})`);
      }
    }
    rules.push({ pattern, roles: roles as Role[] });
  }
  return rules;
}

export function rolesForEmail(rules: RoleMapRule[], email: string): Role[] {
  const e = email.toLowerCase();
  for (const rule of rules) {
    const re = new RegExp(
      "^" +
        rule.pattern
          .split("*")
          .map((s) => s.replace(/[.+?^${}()|[\]\\]/g, "\\$&"))
          .join(".*") +
        "$",
    );
    if (re.test(e)) return [...rule.roles];
  }
  return [];
}

export const envSchema = z
  .object({
    NODE_ENV: optionalText,
    DATABASE_URL: optionalText,
    AIRLOCK_DB_FILE: optionalText.transform((v) => v ?? ".data/airlock.sqlite"),
    NEXTAUTH_SECRET: optionalText,
    NEXTAUTH_URL: optionalUrl("NEXTAUTH_URL"),
    AIRLOCK_DEMO: optionalText.refine((v) => v === undefined || ["0", "1", "true", "false"].includes(v), {
      message: 'AIRLOCK_DEMO must be "1" (demo mode) or "0"',
    }),
    DEMO_PASSWORD: optionalText.transform((v) => v ?? DEFAULT_DEMO_PASSWORD),
    OIDC_ISSUER: optionalUrl("OIDC_ISSUER"),
    OIDC_CLIENT_ID: optionalText,
    OIDC_CLIENT_SECRET: optionalText,
    OIDC_ROLE_MAP: optionalText,
    KUBECONFIG: optionalText,
    KUBECONFIG_EXEC_ALLOWLIST: optionalText,
    AIRLOCK_ALLOW_INSECURE_ENDPOINTS: flag("AIRLOCK_ALLOW_INSECURE_ENDPOINTS"),
    AIRLOCK_ALLOW_INSECURE_COOKIES: flag("AIRLOCK_ALLOW_INSECURE_COOKIES"),
    GCP_PROJECTS: optionalText,
    GOOGLE_COMPUTE_ENDPOINT: optionalUrl("GOOGLE_COMPUTE_ENDPOINT"),
    GOOGLE_CONTAINER_ENDPOINT: optionalUrl("GOOGLE_CONTAINER_ENDPOINT"),
    GOOGLE_STORAGE_ENDPOINT: optionalUrl("GOOGLE_STORAGE_ENDPOINT"),
    GOOGLE_IAM_ENDPOINT: optionalUrl("GOOGLE_IAM_ENDPOINT"),
    // Evidence artifact store (docs/evidence-and-report.md).
    ...evidenceEnv,
    NETPOL_PROPAGATION_SECONDS: optionalText.pipe(
      z.string().regex(/^\d+$/, { message: "NETPOL_PROPAGATION_SECONDS must be a whole number of seconds" }).optional(),
    ),
    ATTEST_IMAGE: pinnedImage("ATTEST_IMAGE"),
    AIRLOCK_TOOLBOX_IMAGE: pinnedImage("AIRLOCK_TOOLBOX_IMAGE"),
    // Approvals (docs/approvals.md); parsed by lib/approvals/policy-schema.ts, checked here at start.
    APPROVAL_POLICY: optionalText,
    APPROVAL_POLICY_FILE: optionalText,
    APPROVAL_TTL_MINUTES: optionalText,
    APPROVAL_SINGLE_USE: optionalText,
    PROTECTED_NAMESPACES: optionalText,
    NOTIFY_WEBHOOK_URL: optionalText,
    // Anchored audit (docs/console-foundation.md, "Anchored audit"): the key is parsed in loadConfig (index.ts), so a bad one stops the console.
    AIRLOCK_AUDIT_KEY: optionalText,
    AIRLOCK_AUDIT_CHECKPOINT_EVERY: optionalText.pipe(
      z
        .string()
        .regex(/^[1-9]\d{0,6}$/, { message: "AIRLOCK_AUDIT_CHECKPOINT_EVERY must be a whole number of entries, at least 1" })
        .optional(),
    ),
    NOTIFY_SLACK_WEBHOOK_URL: optionalText,
    // Alert intake (README "Alerts").
    ...alertsEnv,
    // Operations (README "Several replicas, metrics, logs and shutdown").
    AIRLOCK_METRICS_TOKEN: optionalText.pipe(
      z.string().min(32, { message: "AIRLOCK_METRICS_TOKEN must be at least 32 characters (e.g. `openssl rand -hex 32`)" }).optional(),
    ),
    AIRLOCK_SHUTDOWN_GRACE_SECONDS: optionalText.pipe(
      z
        .string()
        .regex(/^\d{1,4}$/, { message: "AIRLOCK_SHUTDOWN_GRACE_SECONDS must be a whole number of seconds" })
        .optional(),
    ),
    LOG_LEVEL: optionalText.pipe(
      z
        .enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"], {
          message: "LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent",
        })
        .optional(),
    ),
  })
  .superRefine((env, ctx) => {
    const demo = env.AIRLOCK_DEMO === "1" || env.AIRLOCK_DEMO === "true";
    if (env.DEMO_PASSWORD.length < MIN_PASSWORD_LENGTH) {
      ctx.addIssue({ code: "custom", path: ["DEMO_PASSWORD"], message: `DEMO_PASSWORD must be at least ${MIN_PASSWORD_LENGTH} characters` });
    }
    // Outside a test bench, an http:// Google endpoint would carry the console's requests (and any credential) in clear.
    if (env.NODE_ENV === "production" && !isOn(env.AIRLOCK_ALLOW_INSECURE_ENDPOINTS)) {
      for (const name of GOOGLE_ENDPOINTS) {
        if (env[name]?.startsWith("http://")) {
          ctx.addIssue({
            code: "custom",
            path: [name],
            message: `${name} is plain http:// in production; use https:// or set AIRLOCK_ALLOW_INSECURE_ENDPOINTS=1 (a simulator or test bench only)`,
          });
        }
      }
    }
    if (env.NEXTAUTH_SECRET !== undefined && env.NEXTAUTH_SECRET.length < 32) {
      ctx.addIssue({
        code: "custom",
        path: ["NEXTAUTH_SECRET"],
        message: "NEXTAUTH_SECRET is too weak: use at least 32 characters (e.g. `openssl rand -base64 32`)",
      });
    }
    if (!demo && env.NEXTAUTH_SECRET === undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["NEXTAUTH_SECRET"],
        message:
          "NEXTAUTH_SECRET is required outside demo mode (at least 32 characters, e.g. `openssl rand -base64 32`); set AIRLOCK_DEMO=1 for a throwaway demo",
      });
    }
    if (env.OIDC_ISSUER !== undefined) {
      for (const name of ["OIDC_CLIENT_ID", "OIDC_CLIENT_SECRET"] as const) {
        if (env[name] === undefined) {
          ctx.addIssue({ code: "custom", path: [name], message: `${name} is required when OIDC_ISSUER is set` });
        }
      }
    }
    if (env.OIDC_ROLE_MAP !== undefined) {
      try {
        parseRoleMap(env.OIDC_ROLE_MAP);
      } catch (e) {
        ctx.addIssue({ code: "custom", path: ["OIDC_ROLE_MAP"], message: `OIDC_ROLE_MAP: ${(e as Error).message}` });
      }
    }
    try {
      approvalSettingsFromEnv(env);
    } catch (e) {
      for (const problem of e instanceof ApprovalSettingsError ? e.problems : [String(e)]) {
        ctx.addIssue({ code: "custom", path: [problem.split(/[\s:]/, 1)[0]], message: problem });
      }
    }
    for (const p of evidenceProblems(env)) ctx.addIssue({ code: "custom", path: [p.variable], message: p.message });
    for (const p of alertsProblems(env)) ctx.addIssue({ code: "custom", path: [p.variable], message: p.message });
    if (env.DATABASE_URL !== undefined && !/^(postgres(ql)?:\/\/|file:|sqlite:)/.test(env.DATABASE_URL)) {
      ctx.addIssue({
        code: "custom",
        path: ["DATABASE_URL"],
        message: "DATABASE_URL must be a postgres:// URL or file:<path> for SQLite (leave it unset to use the SQLite file AIRLOCK_DB_FILE)",
      });
    }
  });
