// No server-only: lib/config validates these settings with it at start, before anything runs.
import fs from "node:fs";
import { z } from "zod";
import { STAGES, type StageId } from "../containment/types";

const RISKS = ["read-only", "reversible", "disruptive", "destructive"] as const;
export type PolicyRisk = (typeof RISKS)[number];

/** Most sign-offs a step can demand: one, or two (four eyes) for the steps a policy names. */
export const MAX_APPROVALS = 2;

const count = z
  .number({ message: "must be a number of approvals (0, 1 or 2)" })
  .int({ message: "must be a whole number of approvals" })
  .min(0, { message: "cannot be negative" })
  .max(MAX_APPROVALS, { message: `at most ${MAX_APPROVALS} approvals` });

const STAGE_IDS = STAGES.map((s) => s.id) as string[];
const stepIdKeys = z.record(z.string(), count).superRefine((steps, ctx) => {
  for (const key of Object.keys(steps)) {
    if (!/^[a-z][a-z0-9-]{0,63}$/.test(key)) ctx.addIssue({ code: "custom", path: [key], message: "not a step id (e.g. delete-pod)" });
  }
});

const approvalPolicySchema = z
  .object({
    risks: z
      .record(z.string(), count)
      .superRefine((risks, ctx) => {
        for (const key of Object.keys(risks)) {
          if (!(RISKS as readonly string[]).includes(key))
            ctx.addIssue({ code: "custom", path: [key], message: `unknown risk; a risk must be one of ${RISKS.join(", ")}` });
        }
      })
      .transform((r) => r as Partial<Record<PolicyRisk, number>>)
      .optional(),
    steps: stepIdKeys.optional(),
    // Release (undo) re-exposes what a step contained: governed per stage or per step like execution.
    undo: z
      .object({
        stages: z
          .record(z.string(), count)
          .superRefine((stages, ctx) => {
            for (const key of Object.keys(stages)) {
              if (!STAGE_IDS.includes(key)) ctx.addIssue({ code: "custom", path: [key], message: `unknown stage; a stage is one of ${STAGE_IDS.join(", ")}` });
            }
          })
          .transform((r) => r as Partial<Record<StageId, number>>)
          .optional(),
        steps: stepIdKeys.optional(),
      })
      .strict()
      .optional(),
  })
  .strict();

export type UndoPolicy = { stages: Partial<Record<StageId, number>>; steps: Record<string, number> };
export type ApprovalPolicy = { risks: Partial<Record<PolicyRisk, number>>; steps: Record<string, number>; undo: UndoPolicy };

/**
 * Without configuration every destructive step needs one approver, and so does releasing a
 * network, node-network or credentials isolation: undoing it re-exposes the workload.
 */
export const DEFAULT_POLICY: ApprovalPolicy = {
  risks: { destructive: 1 },
  steps: {},
  undo: { stages: { network: 1, "node-network": 1, credentials: 1 }, steps: {} },
};

/**
 * Parses the policy JSON. Risks not named keep their default (destructive 1, others 0), so
 * `{"steps":{"delete-controller":2}}` adds to the default rather than switching it off.
 * Throws an Error whose message names `source` (the variable or file) and each bad field.
 */
export function parseApprovalPolicy(text: string, source: string): ApprovalPolicy {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new Error(`${source} is not valid JSON (e.g. {"risks":{"destructive":1},"steps":{"delete-controller":2}})`);
  }
  const parsed = approvalPolicySchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.length ? i.path.join(".") : "(top level)"}: ${i.message}`);
    throw new Error(`${source}: ${problems.join("; ")}`);
  }
  return {
    risks: { ...DEFAULT_POLICY.risks, ...(parsed.data.risks ?? {}) },
    steps: { ...(parsed.data.steps ?? {}) },
    undo: {
      stages: { ...DEFAULT_POLICY.undo.stages, ...(parsed.data.undo?.stages ?? {}) },
      steps: { ...(parsed.data.undo?.steps ?? {}) },
    },
  };
}

/**
 * How many distinct approvers (never the requester) a step needs; 0 means none. `planRisk` is
 * the risk its plan raised it to (a Service deleted, a protected namespace): a raised plan needs
 * at least what its raised risk needs, whatever the step's own entry says.
 */
export function approvalsRequired(policy: ApprovalPolicy, step: { id: string; risk: PolicyRisk }, planRisk: PolicyRisk = step.risk): number {
  const own = policy.steps[step.id] ?? policy.risks[step.risk] ?? 0;
  return planRisk === step.risk ? own : Math.max(own, policy.risks[planRisk] ?? 0);
}

/** How many approvers undoing (releasing) a step needs: per step id, else per stage; 0 means none. */
export function undoApprovalsRequired(policy: ApprovalPolicy, step: { id: string; stage: StageId }): number {
  return policy.undo.steps[step.id] ?? policy.undo.stages[step.stage] ?? 0;
}

export type ApprovalSettings = {
  policy: ApprovalPolicy;
  ttlMinutes: number;
  /** An approval lets one run (execute or undo) and is then used up; APPROVAL_SINGLE_USE=false keeps it until it expires. */
  singleUse: boolean;
  /** Namespaces where every step is destructive (needs approval): kube-system always, plus PROTECTED_NAMESPACES. */
  protectedNamespaces: string[];
  webhookUrl?: string;
  slackWebhookUrl?: string;
};

/** The cluster's own machinery: a step there is never routine. */
export const ALWAYS_PROTECTED = "kube-system";

const httpUrl = (v: string | undefined) => v === undefined || (/^https?:\/\//.test(v) && URL.canParse(v));
const text = (v: string | undefined) => (v === undefined || v.trim() === "" ? undefined : v.trim());

/**
 * The approval settings from an environment: APPROVAL_POLICY (JSON) or APPROVAL_POLICY_FILE,
 * APPROVAL_TTL_MINUTES, APPROVAL_SINGLE_USE, PROTECTED_NAMESPACES, NOTIFY_WEBHOOK_URL,
 * NOTIFY_SLACK_WEBHOOK_URL. Throws an Error listing
 * each bad variable by name (lib/config reports them as a ConfigError at start).
 */
export function approvalSettingsFromEnv(env: Record<string, string | undefined>): ApprovalSettings {
  const problems: string[] = [];
  const inline = text(env.APPROVAL_POLICY);
  const file = text(env.APPROVAL_POLICY_FILE);
  let policy = DEFAULT_POLICY;
  if (inline !== undefined && file !== undefined) problems.push("APPROVAL_POLICY: set it or APPROVAL_POLICY_FILE, not both");
  else if (inline !== undefined) {
    try {
      policy = parseApprovalPolicy(inline, "APPROVAL_POLICY");
    } catch (e) {
      problems.push((e as Error).message);
    }
  } else if (file !== undefined) {
    let body: string | undefined;
    try {
      body = fs.readFileSync(file, "utf8");
    } catch (e) {
      problems.push(`APPROVAL_POLICY_FILE: cannot read ${file} (${(e as NodeJS.ErrnoException).code ?? "unreadable"})`);
    }
    if (body !== undefined) {
      try {
        policy = parseApprovalPolicy(body, `APPROVAL_POLICY_FILE (${file})`);
      } catch (e) {
        problems.push((e as Error).message);
      }
    }
  }
  const ttl = text(env.APPROVAL_TTL_MINUTES);
  if (ttl !== undefined && !/^[1-9]\d{0,4}$/.test(ttl)) problems.push("APPROVAL_TTL_MINUTES must be a whole number of minutes (1 or more)");
  const webhookUrl = text(env.NOTIFY_WEBHOOK_URL);
  if (!httpUrl(webhookUrl)) problems.push("NOTIFY_WEBHOOK_URL must be an http(s) URL");
  const slackWebhookUrl = text(env.NOTIFY_SLACK_WEBHOOK_URL);
  if (!httpUrl(slackWebhookUrl)) problems.push("NOTIFY_SLACK_WEBHOOK_URL must be an http(s) URL (a Slack incoming webhook)");
  const singleUse = text(env.APPROVAL_SINGLE_USE);
  if (singleUse !== undefined && !["true", "false"].includes(singleUse)) problems.push("APPROVAL_SINGLE_USE must be true or false");
  const namespaces = (text(env.PROTECTED_NAMESPACES) ?? "")
    .split(",")
    .map((n) => n.trim())
    .filter(Boolean);
  const badNamespaces = namespaces.filter((n) => !/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/.test(n));
  if (badNamespaces.length) problems.push(`PROTECTED_NAMESPACES must be a comma-separated list of namespace names (not ${badNamespaces.join(", ")})`);
  if (problems.length > 0) throw new ApprovalSettingsError(problems);
  return {
    policy,
    ttlMinutes: ttl === undefined ? 30 : Number(ttl),
    singleUse: singleUse !== "false",
    protectedNamespaces: [...new Set([ALWAYS_PROTECTED, ...namespaces])],
    webhookUrl,
    slackWebhookUrl,
  };
}

export class ApprovalSettingsError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join("; "));
    this.name = "ApprovalSettingsError";
  }
}
