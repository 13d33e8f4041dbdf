import "server-only";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { processSingleton } from "@/lib/process-singleton";
import { generateAuditKeyPem, parseAuditKey } from "@/lib/audit/key";
import { ALERT_CONFIG_ROWS, alertsSettings, type AlertsConfig } from "./alerts";
import { evidenceSettings, type EvidenceConfig } from "./evidence";
import { envSchema, isOn, parseRoleMap, type RoleMapRule } from "./schema";

export { ROLES, parseRoleMap, rolesForEmail, MIN_PASSWORD_LENGTH, DEFAULT_DEMO_PASSWORD } from "./schema";
export type { Role, RoleMapRule } from "./schema";
export type { EvidenceConfig } from "./evidence";
export type { AlertsConfig, AutoRunbook } from "./alerts";

export type DatabaseTarget = { engine: "postgres"; url: string } | { engine: "sqlite"; file: string };

export type Config = {
  production: boolean;
  demo: boolean;
  database: DatabaseTarget;
  nextauthSecret: string;
  /** true when the secret was generated for demo mode rather than supplied. */
  nextauthSecretGenerated: boolean;
  nextauthUrl?: string;
  demoPassword: string;
  oidc?: { issuer: string; clientId: string; clientSecret: string; roleMap: RoleMapRule[] };
  kubeconfig?: string;
  /** Commands a kubeconfig `exec` credential plugin may run (by base name); any other exec user is refused. */
  kubeconfigExecAllowlist: string[];
  /**
   * Session cookies carry `Secure` in production whatever NEXTAUTH_URL's scheme (a TLS-terminating proxy
   * may front the console); this is the explicit opt-out for plain-http local use (the demo, e2e).
   */
  secureCookies: boolean;
  gcpProjects: string[];
  googleComputeEndpoint?: string;
  googleContainerEndpoint?: string;
  /** Cloud Storage API origin override (the simulator), e.g. http://127.0.0.1:8443; else ADC against Google. */
  googleStorageEndpoint?: string;
  /** IAM v1 root such as `http://127.0.0.1:8443/iam/`; unset: https://iam.googleapis.com/ with ADC. */
  googleIamEndpoint?: string;
  /** Where evidence artifact bodies are stored. */
  evidence: EvidenceConfig;
  netpolPropagationSeconds: number;
  /** Anchored audit (docs/console-foundation.md, "Anchored audit"): the Ed25519 key (PKCS#8 PEM) signing checkpoints, if any. */
  audit: { keyPem?: string; keyGenerated: boolean; checkpointEvery: number };
  /** Image of attest-isolation's probe pods and ephemeral container: needs busybox `nc`, `sleep` and `cat`; pinned by digest. */
  attestImage: string;
  /** The live-response toolbox debug-container and acquire-files add: busybox `cat`, `ls`, `readlink`, `stat`, `sleep`; pinned by digest. */
  toolboxImage: string;
  /** Alert intake: Falco and Security Command Center senders, dedupe, auto-open policy. */
  alerts: AlertsConfig;
  /** Bearer token a Prometheus scrape sends to /api/metrics; unset, the endpoint answers 404. */
  metricsToken?: string;
  /** On SIGTERM, how long running steps may take to finish before they are recorded as interrupted. */
  shutdownGraceSeconds: number;
};

/** busybox 1.36.1 (multi-arch index digest): what attest-isolation runs unless ATTEST_IMAGE says otherwise. */
export const DEFAULT_ATTEST_IMAGE = "docker.io/library/busybox:1.36.1@sha256:73aaf090f3d85aa34ee199857f03fa3a95c8ede2ffd4cc2cdb5b94e566b11662";
/** busybox 1.36.1 (multi-arch index digest): the toolbox unless AIRLOCK_TOOLBOX_IMAGE says otherwise. */
export const DEFAULT_TOOLBOX_IMAGE = "busybox:1.36.1@sha256:73aaf090f3d85aa34ee199857f03fa3a95c8ede2ffd4cc2cdb5b94e566b11662";

export class ConfigError extends Error {
  constructor(public readonly problems: string[]) {
    super(`Invalid Airlock configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

export type LoadOptions = {
  /** Directory for the generated demo secret; default `.data/demo` under the working directory. */
  demoDir?: string;
};

/** Reads or creates the persisted demo-mode NEXTAUTH_SECRET. Safe when two processes race. */
function demoSecret(dir: string): string {
  const file = path.join(dir, "nextauth-secret");
  try {
    const existing = fs.readFileSync(file, "utf8").trim();
    if (existing.length >= 32) return existing;
  } catch {
    // not there yet
  }
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const secret = randomBytes(32).toString("base64url");
  try {
    fs.writeFileSync(file, secret + "\n", { flag: "wx", mode: 0o600 });
    return secret;
  } catch {
    // Another process won the race (or a short file exists): use what is on disk if sound.
    const existing = fs.readFileSync(file, "utf8").trim();
    if (existing.length >= 32) return existing;
    fs.writeFileSync(file, secret + "\n", { mode: 0o600 });
    return secret;
  }
}

/** AIRLOCK_AUDIT_KEY parsed once: its PKCS#8 PEM, or the sentence saying what is wrong with it. */
function auditKeyOf(text: string | undefined): { pem?: string; problem?: string } {
  if (text === undefined || text.trim() === "") return {};
  try {
    return { pem: parseAuditKey(text).export({ format: "pem", type: "pkcs8" }).toString() };
  } catch (err) {
    return { problem: (err as Error).message };
  }
}

/** Reads or creates the persisted demo-mode audit key (`<demoDir>/audit-key.pem`). Safe when two processes race. */
function demoAuditKey(dir: string): string {
  const file = path.join(dir, "audit-key.pem");
  try {
    return parseAuditKey(fs.readFileSync(file, "utf8")).export({ format: "pem", type: "pkcs8" }).toString();
  } catch {
    // not there yet (or unreadable: a new one is written below only if none exists)
  }
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  try {
    fs.writeFileSync(file, generateAuditKeyPem(), { flag: "wx", mode: 0o600 });
  } catch {
    // Another process won the race: use its key.
  }
  return parseAuditKey(fs.readFileSync(file, "utf8")).export({ format: "pem", type: "pkcs8" }).toString();
}

/** Validates an environment. Pure apart from the demo secret file. Throws ConfigError naming each bad variable. */
export function loadConfig(env: Record<string, string | undefined>, opts: LoadOptions = {}): Config {
  const parsed = envSchema.safeParse(env);
  const problems = parsed.success
    ? []
    : parsed.error.issues.map((i) => {
        const name = String(i.path[0] ?? "environment");
        return i.message.includes(name) ? i.message : `${name}: ${i.message}`;
      });
  // Checked here rather than in the schema: the key parser needs node:crypto, and the schema
  // module is also reached from code that may be bundled for the browser (its ROLES).
  const auditKey = auditKeyOf(env.AIRLOCK_AUDIT_KEY);
  if (auditKey.problem) problems.push(auditKey.problem);
  if (!parsed.success || problems.length) throw new ConfigError(problems);
  const e = parsed.data;
  const demo = e.AIRLOCK_DEMO === "1" || e.AIRLOCK_DEMO === "true";
  let database: DatabaseTarget;
  if (e.DATABASE_URL && /^postgres(ql)?:\/\//.test(e.DATABASE_URL)) {
    database = { engine: "postgres", url: e.DATABASE_URL };
  } else if (e.DATABASE_URL) {
    database = { engine: "sqlite", file: e.DATABASE_URL.replace(/^(file|sqlite):(\/\/)?/, "") };
  } else {
    database = { engine: "sqlite", file: e.AIRLOCK_DB_FILE };
  }
  const generated = e.NEXTAUTH_SECRET === undefined;
  const demoDir = opts.demoDir ?? path.join(process.cwd(), ".data", "demo");
  const auditKeyPem = auditKey.pem;
  const nextauthSecret = e.NEXTAUTH_SECRET ?? demoSecret(demoDir);
  return {
    production: e.NODE_ENV === "production",
    demo,
    database,
    nextauthSecret,
    nextauthSecretGenerated: generated,
    nextauthUrl: e.NEXTAUTH_URL,
    demoPassword: e.DEMO_PASSWORD,
    oidc:
      e.OIDC_ISSUER && e.OIDC_CLIENT_ID && e.OIDC_CLIENT_SECRET
        ? {
            issuer: e.OIDC_ISSUER,
            clientId: e.OIDC_CLIENT_ID,
            clientSecret: e.OIDC_CLIENT_SECRET,
            roleMap: e.OIDC_ROLE_MAP ? parseRoleMap(e.OIDC_ROLE_MAP) : [],
          }
        : undefined,
    kubeconfig: e.KUBECONFIG,
    kubeconfigExecAllowlist: (e.KUBECONFIG_EXEC_ALLOWLIST ?? DEFAULT_EXEC_ALLOWLIST)
      .split(",")
      .map((c) => c.trim())
      .filter(Boolean),
    secureCookies: e.NODE_ENV === "production" ? !isOn(e.AIRLOCK_ALLOW_INSECURE_COOKIES) : (e.NEXTAUTH_URL?.startsWith("https://") ?? false),
    gcpProjects: (e.GCP_PROJECTS ?? "")
      .split(",")
      .map((p) => p.trim())
      .filter(Boolean),
    googleComputeEndpoint: e.GOOGLE_COMPUTE_ENDPOINT,
    googleContainerEndpoint: e.GOOGLE_CONTAINER_ENDPOINT,
    googleStorageEndpoint: e.GOOGLE_STORAGE_ENDPOINT,
    googleIamEndpoint: e.GOOGLE_IAM_ENDPOINT,
    evidence: evidenceSettings(e),
    netpolPropagationSeconds: e.NETPOL_PROPAGATION_SECONDS === undefined ? 300 : Number(e.NETPOL_PROPAGATION_SECONDS),
    audit: {
      keyPem: auditKeyPem ?? (demo ? demoAuditKey(demoDir) : undefined),
      keyGenerated: auditKeyPem === undefined && demo,
      checkpointEvery: e.AIRLOCK_AUDIT_CHECKPOINT_EVERY === undefined ? 100 : Number(e.AIRLOCK_AUDIT_CHECKPOINT_EVERY),
    },
    attestImage: e.ATTEST_IMAGE ?? DEFAULT_ATTEST_IMAGE,
    toolboxImage: e.AIRLOCK_TOOLBOX_IMAGE ?? DEFAULT_TOOLBOX_IMAGE,
    alerts: alertsSettings(e),
    metricsToken: e.AIRLOCK_METRICS_TOKEN,
    shutdownGraceSeconds: e.AIRLOCK_SHUTDOWN_GRACE_SECONDS === undefined ? 20 : Number(e.AIRLOCK_SHUTDOWN_GRACE_SECONDS),
  };
}

/** GKE's own credential plugin: the one a kubeconfig written by `gcloud container clusters get-credentials` runs. */
const DEFAULT_EXEC_ALLOWLIST = "gke-gcloud-auth-plugin";

const loaded = processSingleton("config", () => ({ config: undefined as Config | undefined }));

/** The validated configuration of this process, read from process.env once. */
export function config(): Config {
  return (loaded.config ??= loadConfig(process.env));
}

/** Tests only: forget the cached configuration so the next config() re-reads process.env. */
export function resetConfigForTests(): void {
  loaded.config = undefined;
}

export type ConfigRow = { name: string; default: string; description: string };

/** The configuration table for the README (docs/console-foundation.md). */
export function describeConfig(): ConfigRow[] {
  return [
    { name: "DATABASE_URL", default: "(unset)", description: "postgres://user:pass@host/db selects PostgreSQL; file:<path> or unset selects SQLite." },
    { name: "AIRLOCK_DB_FILE", default: ".data/airlock.sqlite", description: "SQLite file used when DATABASE_URL is not a postgres:// URL." },
    {
      name: "NEXTAUTH_SECRET",
      default: "(required)",
      description: "Signs session JWTs; at least 32 characters. Required outside demo mode; demo mode generates one in .data/demo/nextauth-secret.",
    },
    {
      name: "NEXTAUTH_URL",
      default: "(unset)",
      description: "Public base URL of the console. https:// turns on HSTS (and Secure cookies outside production; production always uses them).",
    },
    {
      name: "AIRLOCK_ALLOW_INSECURE_COOKIES",
      default: "0",
      description: '"1" lets a production build set session cookies without Secure, for plain-http local use only (the demo and e2e set it).',
    },
    { name: "AIRLOCK_DEMO", default: "0", description: '"1" turns on demo mode: seeded demo accounts listed on the sign-in page.' },
    { name: "DEMO_PASSWORD", default: "airlock-demo", description: "Password of the seeded demo accounts (demo mode only; at least 12 characters)." },
    { name: "OIDC_ISSUER", default: "(unset)", description: "OpenID Connect issuer URL; enables single sign-on." },
    { name: "OIDC_CLIENT_ID", default: "(unset)", description: "OIDC client id (required with OIDC_ISSUER)." },
    { name: "OIDC_CLIENT_SECRET", default: "(unset)", description: "OIDC client secret (required with OIDC_ISSUER)." },
    {
      name: "OIDC_ROLE_MAP",
      default: "(unset)",
      description: "Roles for OIDC users, first match wins: alice@x.com=analyst,lead;*@x.com=analyst. An OIDC user matching no rule is refused.",
    },
    { name: "KUBECONFIG", default: "(unset)", description: "Kubeconfig listing the clusters the console may reach." },
    {
      name: "KUBECONFIG_EXEC_ALLOWLIST",
      default: "gke-gcloud-auth-plugin",
      description: "Comma-separated commands a kubeconfig exec credential plugin may run; a cluster whose user runs any other command is refused.",
    },
    { name: "GCP_PROJECTS", default: "(unset)", description: "Comma-separated Google Cloud project ids to inspect." },
    { name: "GOOGLE_COMPUTE_ENDPOINT", default: "(unset)", description: "Override for the Compute Engine API endpoint (e.g. the simulator)." },
    { name: "GOOGLE_CONTAINER_ENDPOINT", default: "(unset)", description: "Override for the GKE (container) API endpoint (e.g. the simulator)." },
    {
      name: "GOOGLE_STORAGE_ENDPOINT",
      default: "(unset)",
      description: "Override for the Cloud Storage API (scheme, host and port, e.g. the simulator's http://127.0.0.1:8443); sends no credentials.",
    },
    {
      name: "GOOGLE_IAM_ENDPOINT",
      default: "(unset)",
      description: "Override for the IAM API root (the part before v1/projects/…, e.g. the simulator's http://127.0.0.1:8443/iam/); sends no credentials.",
    },
    {
      name: "AIRLOCK_ALLOW_INSECURE_ENDPOINTS",
      default: "0",
      description: '"1" lets a production build use plain-http GOOGLE_*_ENDPOINT overrides (the simulator); otherwise they must be https://.',
    },
    {
      name: "EVIDENCE_STORE",
      default: "fs",
      description: '"fs" (local filesystem) or "gcs" (Google Cloud Storage) for evidence artifact bodies (docs/evidence-and-report.md).',
    },
    { name: "EVIDENCE_DIR", default: ".data/evidence", description: "Root of the fs evidence store: one directory per incident, files read-only." },
    { name: "EVIDENCE_BUCKET", default: "(unset)", description: "Bucket for EVIDENCE_STORE=gcs (a name, no gs://); required with it." },
    { name: "EVIDENCE_PREFIX", default: "(empty)", description: "Object-name prefix inside EVIDENCE_BUCKET: objects are <prefix>/<incident>/<sha256>-<name>." },
    { name: "NETPOL_PROPAGATION_SECONDS", default: "300", description: "Seconds to wait for NetworkPolicy changes to take effect before verifying." },
    {
      name: "ATTEST_IMAGE",
      default: "busybox:1.36.1@sha256:73aaf0…",
      description: "Image (pinned by digest) of attest-isolation's probe pods and ephemeral container; needs busybox nc, sleep and cat.",
    },
    {
      name: "AIRLOCK_TOOLBOX_IMAGE",
      default: "busybox:1.36.1@sha256:73aaf0…",
      description: "Image (pinned by digest) of the toolbox debug-container and acquire-files add; needs busybox cat, ls, readlink, stat and sleep.",
    },
    {
      name: "APPROVAL_POLICY",
      default: '{"risks":{"destructive":1}}',
      description: 'JSON: approvers needed per risk and per step id, e.g. {"risks":{"destructive":1},"steps":{"delete-controller":2}} (docs/approvals.md).',
    },
    { name: "APPROVAL_POLICY_FILE", default: "(unset)", description: "Path of a JSON file holding the same policy (instead of APPROVAL_POLICY)." },
    { name: "APPROVAL_TTL_MINUTES", default: "30", description: "Minutes an approval request stays open, and an approval stays usable once granted." },
    { name: "NOTIFY_WEBHOOK_URL", default: "(unset)", description: "Generic JSON webhook for approval requested/approved/rejected and step failed." },
    {
      name: "AIRLOCK_AUDIT_KEY",
      default: "(unset)",
      description:
        "Ed25519 private key (PKCS#8 PEM, or its DER in base64) signing the audit checkpoints (docs/console-foundation.md, Anchored audit). Demo mode generates one in .data/demo/audit-key.pem; unset outside demo, the timeline is hash-chained but not anchored.",
    },
    {
      name: "AIRLOCK_AUDIT_CHECKPOINT_EVERY",
      default: "100",
      description: "A signed audit checkpoint every this many timeline entries (and at every incident close).",
    },
    { name: "NOTIFY_SLACK_WEBHOOK_URL", default: "(unset)", description: "Slack-compatible incoming webhook ({text, blocks}) for the same events." },
    ...ALERT_CONFIG_ROWS,
    {
      name: "AIRLOCK_METRICS_TOKEN",
      default: "(unset)",
      description: "Bearer token (at least 32 characters) a Prometheus scrape sends to GET /api/metrics; unset, the endpoint answers 404.",
    },
    {
      name: "AIRLOCK_SHUTDOWN_GRACE_SECONDS",
      default: "20",
      description:
        "On SIGTERM: new step runs are refused (503) and running ones get this long to finish before they are recorded as interrupted; keep it below the pod's terminationGracePeriodSeconds.",
    },
    { name: "LOG_LEVEL", default: "info", description: "Level of the JSON log lines on stdout: fatal, error, warn, info, debug, trace or silent." },
  ];
}
