// The three intake formats and how each maps onto one alert. Pure: no store, no cluster, so the
// routes, the OpenAPI document and the tests share the same schemas.
//
// - Falco via Falcosidekick's webhook output: its FalcoPayload (uuid, output, priority, rule,
//   time, output_fields, source, tags, hostname), priority spelt as Falcosidekick writes it.
// - Security Command Center via a Pub/Sub push subscription: the push envelope (message.data,
//   message.attributes, message.messageId, subscription) whose data is the base64 of a
//   NotificationMessage ({notificationConfigName, finding, resource}).
// - Anything else: Airlock's own documented schema.
import { z } from "zod";
import { ALERT_SEVERITIES, type AlertSeverity } from "@/lib/config/alerts";
import { HttpError } from "@/lib/http/errors";
import { fieldErrorsOf } from "@/lib/http/zod-errors";

export { ALERT_SEVERITIES, type AlertSeverity };
export type AlertSource = "falco" | "scc" | "generic";

/** One alert as triage sees it, whatever format it came in. */
export type NormalizedAlert = {
  source: AlertSource;
  /** The sender's own id for this delivery (Falco uuid, Pub/Sub messageId, generic id): a second copy is a replay. */
  externalId: string;
  cluster: string;
  namespace: string;
  pod: string;
  /** Falco rule, SCC category, or the generic rule: with the pod, what dedupe groups by. */
  rule: string;
  severity: AlertSeverity;
  title: string;
  mitreTactic: string | null;
  eventTime: string;
  details: Record<string, unknown>;
};

const isoTime = z.string().refine((v) => /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/.test(v) && !Number.isNaN(Date.parse(v)), {
  message: "must be an RFC 3339 time, e.g. 2026-11-28T10:00:00Z",
});
const k8sName = z
  .string()
  .min(1)
  .max(253)
  .regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, { message: "must be a Kubernetes name" });

/** "mitre_command_and_control" or "COMMAND_AND_CONTROL" → "Command and Control". */
export function tacticName(raw: string): string {
  return raw
    .replace(/^mitre_/i, "")
    .toLowerCase()
    .split(/[_\s-]+/)
    .filter(Boolean)
    .map((w, i) => (i > 0 && w === "and" ? w : w[0].toUpperCase() + w.slice(1)))
    .join(" ");
}

function parseOrReject<T extends z.ZodType>(schema: T, value: unknown, what: string): z.output<T> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new HttpError(400, `Invalid ${what}`, { fieldErrors: fieldErrorsOf(parsed.error), reason: "invalid" });
  return parsed.data;
}

const globMatches = (pattern: string, value: string) =>
  new RegExp(
    "^" +
      pattern
        .split("*")
        .map((s) => s.replace(/[.+?^${}()|[\]\\]/g, "\\$&"))
        .join(".*") +
      "$",
  ).test(value);

// ---------------------------------------------------------------- Falco (Falcosidekick webhook)

const FALCO_PRIORITIES = ["emergency", "alert", "critical", "error", "warning", "notice", "informational", "info", "debug"] as const;

export const falcoPayload = z.object({
  uuid: z.string().min(1).max(200).optional(),
  output: z.string().max(16_384),
  priority: z
    .string()
    .transform((v) => v.toLowerCase())
    .pipe(z.enum(FALCO_PRIORITIES, { message: `must be a Falco priority (${FALCO_PRIORITIES.join(", ")})` })),
  rule: z.string().min(1).max(500),
  time: isoTime,
  output_fields: z.record(z.string(), z.unknown()),
  source: z.string().max(100).optional(),
  tags: z.array(z.string().max(200)).max(200).optional(),
  hostname: z.string().max(253).optional(),
});
export type FalcoPayload = z.input<typeof falcoPayload>;

/** Falco's eight priorities onto Airlock's four severities. */
export function falcoSeverity(priority: (typeof FALCO_PRIORITIES)[number]): AlertSeverity {
  if (priority === "emergency" || priority === "alert" || priority === "critical") return "critical";
  if (priority === "error") return "high";
  if (priority === "warning") return "medium";
  return "low";
}

export type FalcoClusterMap = { field: string; rules: { pattern: string; context: string }[] };

export function fromFalco(body: unknown, map: FalcoClusterMap, bodySha256: string): NormalizedAlert {
  const p = parseOrReject(falcoPayload, body, "Falco payload");
  const f = p.output_fields;
  const text = (k: string) => (typeof f[k] === "string" ? (f[k] as string) : undefined);
  const namespace = text("k8s.ns.name");
  const pod = text("k8s.pod.name");
  if (!namespace || !pod || !k8sName.safeParse(namespace).success || !k8sName.safeParse(pod).success) {
    throw new HttpError(422, "The Falco alert names no Kubernetes pod: output_fields needs k8s.ns.name and k8s.pod.name", {
      fieldErrors: { "output_fields.k8s.pod.name": ["required: a pod name (run Falco with the Kubernetes metadata enrichment)"] },
      reason: "no-pod",
    });
  }
  const key = map.field === "hostname" ? p.hostname : text(map.field);
  const rule = key === undefined ? undefined : map.rules.find((r) => globMatches(r.pattern, key));
  if (!rule) {
    throw new HttpError(
      422,
      key === undefined
        ? `The Falco alert has no ${map.field} to find its cluster by (ALERT_FALCO_CLUSTER_FIELD)`
        : `No cluster is configured for Falco ${map.field} "${key}" (ALERT_FALCO_CLUSTERS)`,
      { reason: "unknown-cluster" },
    );
  }
  const tactic = (p.tags ?? []).find((t) => /^mitre_/i.test(t));
  return {
    source: "falco",
    externalId: p.uuid ?? `sha256:${bodySha256}`,
    cluster: rule.context,
    namespace,
    pod,
    rule: p.rule,
    severity: falcoSeverity(p.priority),
    title: p.output.slice(0, 500) || p.rule,
    mitreTactic: tactic ? tacticName(tactic) : null,
    eventTime: new Date(p.time).toISOString(),
    details: {
      priority: p.priority,
      source: p.source ?? null,
      hostname: p.hostname ?? null,
      tags: p.tags ?? [],
      container: text("container.id") ?? null,
      cmdline: text("proc.cmdline") ?? null,
      fd: text("fd.name") ?? null,
    },
  };
}

// ---------------------------------------------------------------- Security Command Center (Pub/Sub push)

export const pubsubPushEnvelope = z.object({
  message: z
    .object({
      data: z.string().min(1, { message: "required: the base64 of the finding notification" }),
      attributes: z.record(z.string(), z.string()).optional(),
      messageId: z.string().min(1).max(200).optional(),
      message_id: z.string().min(1).max(200).optional(),
      publishTime: z.string().optional(),
    })
    .refine((m) => m.messageId !== undefined || m.message_id !== undefined, { message: "messageId is required", path: ["messageId"] }),
  subscription: z.string().min(1).max(500),
});
export type PubsubPushEnvelope = z.input<typeof pubsubPushEnvelope>;

/** Container Threat Detection findings name the cluster; the kubeconfig context gcloud would write follows from it. */
const GKE_RESOURCE = /^\/\/container\.googleapis\.com\/projects\/([^/]+)\/(?:locations|zones)\/([^/]+)\/clusters\/([^/]+)/;

export const sccFinding = z.object({
  name: z.string().min(1).max(1000),
  resourceName: z.string().regex(GKE_RESOURCE, { message: "must name a GKE cluster (//container.googleapis.com/projects/…/clusters/…)" }),
  category: z.string().min(1).max(500),
  state: z.string().optional(),
  severity: z.string().optional(),
  eventTime: isoTime,
  description: z.string().max(16_384).optional(),
  kubernetes: z.object({
    pods: z
      .array(
        z
          .object({ ns: k8sName, name: k8sName, containers: z.array(z.object({ name: z.string().optional(), uri: z.string().optional() }).loose()).optional() })
          .loose(),
      )
      .min(1, { message: "the finding names no pod" }),
  }),
  indicator: z
    .object({ ipAddresses: z.array(z.string()).optional(), domains: z.array(z.string()).optional(), uris: z.array(z.string()).optional() })
    .loose()
    .optional(),
  processes: z
    .array(
      z
        .object({
          name: z.string().optional(),
          binary: z.object({ path: z.string().optional() }).loose().optional(),
          args: z.array(z.string()).optional(),
          pid: z.union([z.string(), z.number()]).optional(),
        })
        .loose(),
    )
    .optional(),
  mitreAttack: z
    .object({ primaryTactic: z.string().optional(), primaryTechniques: z.array(z.string()).optional() })
    .loose()
    .optional(),
});

export const sccNotification = z.object({
  notificationConfigName: z.string().optional(),
  finding: sccFinding,
});
export type SccNotification = z.input<typeof sccNotification>;

export function sccSeverity(raw: string | undefined): AlertSeverity {
  const v = (raw ?? "").toLowerCase();
  return (ALERT_SEVERITIES as readonly string[]).includes(v) ? (v as AlertSeverity) : "medium";
}

export function fromScc(body: unknown): NormalizedAlert {
  const env = parseOrReject(pubsubPushEnvelope, body, "Pub/Sub push envelope");
  let notification: unknown;
  try {
    notification = JSON.parse(Buffer.from(env.message.data, "base64").toString("utf8"));
  } catch {
    throw new HttpError(400, "Invalid Pub/Sub push envelope", {
      fieldErrors: { "message.data": ["must be the base64 of a JSON finding notification"] },
      reason: "invalid",
    });
  }
  const n = parseOrReject(sccNotification, notification, "Security Command Center finding notification (message.data)");
  const f = n.finding;
  const [, project, location, cluster] = GKE_RESOURCE.exec(f.resourceName)!;
  const pod = f.kubernetes.pods[0];
  return {
    source: "scc",
    externalId: (env.message.messageId ?? env.message.message_id)!,
    cluster: `gke_${project}_${location}_${cluster}`,
    namespace: pod.ns,
    pod: pod.name,
    rule: f.category,
    severity: sccSeverity(f.severity),
    title: (f.description ?? f.category).slice(0, 500),
    mitreTactic: f.mitreAttack?.primaryTactic ? tacticName(f.mitreAttack.primaryTactic) : null,
    eventTime: new Date(f.eventTime).toISOString(),
    details: {
      finding: f.name,
      subscription: env.subscription,
      notificationConfig: n.notificationConfigName ?? null,
      attributes: env.message.attributes ?? {},
      pods: f.kubernetes.pods.map((p) => `${p.ns}/${p.name}`),
      indicator: f.indicator ?? null,
      processes: (f.processes ?? []).slice(0, 20).map((p) => ({ name: p.name ?? null, path: p.binary?.path ?? null, args: (p.args ?? []).slice(0, 50) })),
      techniques: f.mitreAttack?.primaryTechniques ?? [],
    },
  };
}

// ---------------------------------------------------------------- Generic

export const genericAlert = z.object({
  id: z.string().min(1).max(200).describe("The sender's unique id for this event: a second delivery with the same id is a replay (409)"),
  sender: z.string().min(1).max(100).default("generic").describe("Who sent it (shown with the alert)"),
  cluster: z.string().min(1).max(200).describe("A kubeconfig context the console knows"),
  namespace: k8sName.max(63),
  pod: k8sName,
  rule: z.string().min(1).max(500),
  severity: z.enum(ALERT_SEVERITIES),
  title: z.string().max(500).optional(),
  eventTime: isoTime,
  mitreTactic: z.string().max(100).optional(),
  details: z.record(z.string(), z.unknown()).optional(),
});
export type GenericAlert = z.input<typeof genericAlert>;

export function fromGeneric(body: unknown): NormalizedAlert {
  const g = parseOrReject(genericAlert, body, "alert");
  return {
    source: "generic",
    externalId: `${g.sender}:${g.id}`,
    cluster: g.cluster,
    namespace: g.namespace,
    pod: g.pod,
    rule: g.rule,
    severity: g.severity,
    title: g.title || g.rule,
    mitreTactic: g.mitreTactic ? tacticName(g.mitreTactic) : null,
    eventTime: new Date(g.eventTime).toISOString(),
    details: { sender: g.sender, ...(g.details ?? {}) },
  };
}
