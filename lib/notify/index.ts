import "server-only";
// Notifications of what people should know about an incident: approval requests and decisions,
// and failed steps. Not part of approvals: a failed step is not an approval event. The webhook
// URLs are validated with the approval settings (NOTIFY_* in lib/approvals/policy-schema.ts).
import { approvalSettings, consoleBaseUrl } from "@/lib/approvals/settings";
import { APPROVAL_EVENTS, type ApprovalView } from "@/lib/approvals/types";
import { log } from "@/lib/observe/logger";
import { processSingleton } from "@/lib/process-singleton";

export type ApprovalNotice = {
  kind: (typeof APPROVAL_EVENTS)["requested" | "approved" | "rejected"];
  approval: ApprovalView;
  actor: string;
  comment?: string;
};
export type StepFailedNotice = {
  kind: "step-failed";
  incidentId: string;
  incidentTitle?: string;
  stepId: string;
  stepTitle: string;
  actor: string;
  /** The readable reason the timeline shows (never raw exception text). */
  message: string;
};
/** A new alert (not a repeat within the dedupe window); `incidentOpened` when policy opened an incident for it. */
export type AlertNotice = {
  kind: "alert-received";
  alertId: string;
  source: string;
  rule: string;
  severity: string;
  /** "<cluster> <namespace>/<pod>" */
  target: string;
  incidentId: string | null;
  incidentOpened: boolean;
  actor: string;
};
export type Notice = ApprovalNotice | StepFailedNotice | AlertNotice;

export type NotifyTiming = { attempts: number; baseDelayMs: number; timeoutMs: number };
const DEFAULT_TIMING: NotifyTiming = { attempts: 4, baseDelayMs: 500, timeoutMs: 5_000 };

type State = { inflight: Set<Promise<void>>; timing: NotifyTiming };
function state(): State {
  return processSingleton<State>("notify", () => ({ inflight: new Set(), timing: DEFAULT_TIMING }));
}

function consoleLink(path: string): string | undefined {
  const base = consoleBaseUrl();
  return base ? new URL(path, base).toString() : undefined;
}

function linkFor(n: Notice): string | undefined {
  if (n.kind === "alert-received") return consoleLink(n.incidentId ? `/incidents/${n.incidentId}` : "/alerts");
  return n.kind === "step-failed"
    ? consoleLink(`/incidents/${n.incidentId}`)
    : consoleLink(n.kind === APPROVAL_EVENTS.requested ? "/approvals" : `/incidents/${n.approval.incidentId}`);
}

function approvalsCount(a: ApprovalView): number {
  return a.decisions.filter((d) => d.decision === "approve").length;
}

/** The generic webhook body: flat, stable field names, no secrets. */
export function jsonPayload(n: Notice, at = new Date()): Record<string, unknown> {
  const base = { event: n.kind, at: at.toISOString(), actor: n.actor, link: linkFor(n) ?? null };
  if (n.kind === "alert-received") {
    const { kind: _kind, actor: _actor, ...alert } = n;
    return { ...base, ...alert };
  }
  if (n.kind === "step-failed") {
    return { ...base, incidentId: n.incidentId, incidentTitle: n.incidentTitle ?? null, stepId: n.stepId, stepTitle: n.stepTitle, message: n.message };
  }
  const a = n.approval;
  return {
    ...base,
    approvalId: a.id,
    incidentId: a.incidentId,
    incidentTitle: a.incident?.title ?? null,
    target: a.incident ? `${a.incident.cluster} ${a.incident.namespace}/${a.incident.pod}` : null,
    stepId: a.stepId,
    stepTitle: a.stepTitle,
    risk: a.plan.risk,
    planHash: a.planHash,
    status: a.status,
    approvals: approvalsCount(a),
    requiredApprovals: a.requiredApprovals,
    requestedBy: a.requestedBy,
    reason: a.reason,
    comment: n.comment ?? null,
    expiresAt: a.expiresAt,
  };
}

// Slack treats &, < and > as control characters in mrkdwn; user text must not become links or mentions.
const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

function headline(n: Notice): string {
  if (n.kind === "alert-received") {
    const what = `:rotating_light: *${esc(n.severity)}* ${esc(n.source)} alert *${esc(n.rule)}* on \`${esc(n.target)}\``;
    return n.incidentOpened ? `${what}: incident opened and evidence collected by policy` : what;
  }
  if (n.kind === "step-failed") return `:x: Step *${esc(n.stepTitle)}* failed on incident *${esc(n.incidentTitle ?? n.incidentId)}*`;
  const a = n.approval;
  const what = `*${esc(a.stepTitle)}* on incident *${esc(a.incident?.title ?? a.incidentId)}*`;
  if (n.kind === APPROVAL_EVENTS.requested) return `:raising_hand: ${esc(n.actor)} requests approval for ${what}`;
  if (n.kind === APPROVAL_EVENTS.rejected) return `:no_entry: ${esc(n.actor)} rejected ${what}`;
  return `:white_check_mark: ${esc(n.actor)} approved ${what} (${approvalsCount(a)} of ${a.requiredApprovals})`;
}

/** A Slack incoming-webhook body: `text` for notifications, `blocks` for the message itself. */
export function slackPayload(n: Notice): { text: string; blocks: unknown[] } {
  const text = headline(n);
  const lines: string[] = [];
  if (n.kind === "step-failed") lines.push(`>${esc(n.message)}`);
  else if (n.kind === "alert-received")
    lines.push(n.incidentId ? `Incident: ${n.incidentOpened ? "opened" : "joined"}` : "No incident yet: triage it on the Alerts page");
  else {
    const a = n.approval;
    if (a.incident) lines.push(`Target: \`${esc(a.incident.namespace)}/${esc(a.incident.pod)}\` in \`${esc(a.incident.cluster)}\``);
    lines.push(`Reason: ${esc(a.reason)}`);
    if (n.comment) lines.push(`Comment: ${esc(n.comment)}`);
    lines.push(`Plan hash: \`${a.planHash.slice(0, 12)}…\``);
  }
  const link = linkFor(n);
  const blocks: unknown[] = [
    { type: "section", text: { type: "mrkdwn", text } },
    { type: "section", text: { type: "mrkdwn", text: lines.join("\n") } },
  ];
  if (link) blocks.push({ type: "context", elements: [{ type: "mrkdwn", text: `<${link}|Open in Airlock>` }] });
  return { text, blocks };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function retryable(status: number): boolean {
  return status >= 500 || status === 429 || status === 408;
}

/** Posts with bounded retries and exponential backoff with jitter; logs the outcome without the URL (Slack's carries its secret). */
async function deliver(url: string, body: unknown, target: "webhook" | "slack", event: string): Promise<void> {
  const { attempts, baseDelayMs, timeoutMs } = state().timing;
  let last: { status?: number; error?: string } = {};
  for (let attempt = 1; attempt <= attempts; attempt++) {
    try {
      const res = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(timeoutMs),
        redirect: "error",
      });
      await res.arrayBuffer().catch(() => undefined);
      if (res.ok) return;
      last = { status: res.status };
      if (!retryable(res.status)) break;
    } catch (err) {
      // Only the error's class and code: messages can echo the URL, and Slack's URL is a credential.
      const e = err as { name?: string; cause?: { code?: string } };
      last = { error: e.cause?.code ?? e.name ?? "Error" };
    }
    if (attempt < attempts) await sleep(baseDelayMs * 2 ** (attempt - 1) * (0.5 + Math.random() / 2));
  }
  log().warn({ event, target, attempts, ...last }, "notification not delivered");
}

/**
 * Sends the notice to every configured webhook in the background and returns at once: a slow
 * or broken receiver must never hold up, or fail, the approval or the containment step.
 */
export function notify(n: Notice): void {
  try {
    const cfg = approvalSettings();
    const jobs: [string | undefined, "webhook" | "slack", () => unknown][] = [
      [cfg.webhookUrl, "webhook", () => jsonPayload(n)],
      [cfg.slackWebhookUrl, "slack", () => slackPayload(n)],
    ];
    for (const [url, target, body] of jobs) {
      if (!url) continue;
      const p = deliver(url, body(), target, n.kind).catch(() => {});
      state().inflight.add(p);
      void p.finally(() => state().inflight.delete(p));
    }
  } catch (err) {
    log().warn({ event: n.kind, error: (err as Error)?.name ?? "Error" }, "notification not queued");
  }
}

/** Tests only: wait for every delivery in flight (including its retries). */
export async function flushNotifications(): Promise<void> {
  while (state().inflight.size > 0) await Promise.all([...state().inflight]);
}

/** Tests only: shorter backoff; undefined restores the defaults. */
export function setNotifyTimingForTests(timing: Partial<NotifyTiming> | undefined): void {
  state().timing = timing ? { ...DEFAULT_TIMING, ...timing } : DEFAULT_TIMING;
}
