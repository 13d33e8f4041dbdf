import "server-only";
import type { Selectable } from "kysely";
import { appendEntry } from "@/lib/audit/append";
import type { Caller } from "@/lib/auth/roles";
import { roleLabel } from "@/lib/containment/incidents";
import type { AlertsTable, Db } from "@/lib/store";
import { ALERT_SEVERITIES, type AlertSeverity } from "./formats";
import type { AlertView, PodAlerts } from "./types";

export type AlertRow = Selectable<AlertsTable>;

export function toView(r: AlertRow): AlertView {
  let details: Record<string, unknown> = {};
  try {
    details = JSON.parse(r.details) as Record<string, unknown>;
  } catch {
    // A details column that does not parse still leaves the alert readable.
  }
  return {
    id: r.id,
    source: r.source,
    cluster: r.cluster,
    namespace: r.namespace,
    pod: r.pod,
    rule: r.rule,
    severity: r.severity as AlertSeverity,
    title: r.title,
    mitreTactic: r.mitre_tactic,
    firstSeen: r.first_seen,
    lastSeen: r.last_seen,
    count: r.count,
    incidentId: r.incident_id,
    details,
  };
}

/** The pod an alert is about, as the timeline lists targets. */
export function alertTargets(r: Pick<AlertRow, "cluster" | "namespace" | "pod">): Record<string, string>[] {
  return [{ kind: "Pod", cluster: r.cluster, namespace: r.namespace, name: r.pod }];
}

/** What an `alert-received` timeline entry says about the alert. */
function arrivalDetails(r: AlertRow): Record<string, unknown> {
  return { alertId: r.id, source: r.source, rule: r.rule, severity: r.severity, eventTime: r.first_seen, mitreTactic: r.mitre_tactic };
}

const HOW = { opened: "opened this incident by policy", joined: "joined this open incident", attached: "attached when the incident was opened from it" };

/** The entry's one line for the timeline views. */
function arrivalMessage(r: Pick<AlertRow, "severity" | "source" | "rule" | "first_seen">, how: keyof typeof HOW): string {
  return `${r.severity} ${r.source} alert "${r.rule}" (event at ${r.first_seen}) ${HOW[how]}`;
}

/** Puts an alert on an incident's timeline (`alert-received`), as `by`: the sender for policy's opened/joined, the analyst for attached. */
export async function recordArrival(db: Db, r: AlertRow, by: Caller, incidentId: string, how: keyof typeof HOW): Promise<void> {
  await appendEntry(db, {
    actor: by.email,
    role: roleLabel(by),
    incidentId,
    kind: "alert-received",
    targets: alertTargets(r),
    details: { ...arrivalDetails(r), how, ...(how === "attached" ? { count: r.count } : {}), message: arrivalMessage(r, how) },
  });
}

/** The title of an incident opened from an alert, by policy or from the Alerts page. */
export function incidentTitleFor(a: Pick<AlertRow, "rule" | "namespace" | "pod">): string {
  return `${a.rule} on ${a.namespace}/${a.pod}`.slice(0, 200);
}

/** The newest incident on this pod that is still being worked (open or contained). */
export async function openIncidentOnPod(db: Db, p: Pick<AlertRow, "cluster" | "namespace" | "pod">): Promise<{ id: string } | undefined> {
  return db
    .selectFrom("incidents")
    .select("id")
    .where("cluster", "=", p.cluster)
    .where("namespace", "=", p.namespace)
    .where("pod", "=", p.pod)
    .where("status", "in", ["open", "contained"])
    .orderBy("created_at", "desc")
    .executeTakeFirst();
}

const worse = (a: AlertSeverity, b: AlertSeverity) => (ALERT_SEVERITIES.indexOf(a) >= ALERT_SEVERITIES.indexOf(b) ? a : b);

/** Recent alerts grouped per pod, the pod with the worst and newest alert first. */
export async function listPodAlerts(db: Db, opts: { limit?: number } = {}): Promise<PodAlerts[]> {
  const rows = await db
    .selectFrom("alerts")
    .selectAll()
    .orderBy("last_seen", "desc")
    .limit(Math.min(Math.max(opts.limit ?? 200, 1), 1000))
    .execute();
  const groups = new Map<string, PodAlerts>();
  for (const r of rows.map(toView)) {
    const key = `${r.cluster}/${r.namespace}/${r.pod}`;
    const g = groups.get(key);
    if (!g) {
      groups.set(key, {
        cluster: r.cluster,
        namespace: r.namespace,
        pod: r.pod,
        severity: r.severity,
        lastSeen: r.lastSeen,
        // The newest alert's: an older alert's incident may be closed, and the newer alerts are not on it.
        incidentId: r.incidentId,
        alerts: [r],
      });
      continue;
    }
    g.alerts.push(r);
    g.severity = worse(g.severity, r.severity);
  }
  const rank = (s: AlertSeverity) => ALERT_SEVERITIES.indexOf(s);
  return [...groups.values()].sort((a, b) => rank(b.severity) - rank(a.severity) || b.lastSeen.localeCompare(a.lastSeen));
}

/** The alerts an incident keeps, earliest first. */
export async function alertsOfIncident(db: Db, incidentId: string): Promise<AlertView[]> {
  return (await db.selectFrom("alerts").selectAll().where("incident_id", "=", incidentId).orderBy("first_seen", "asc").execute()).map(toView);
}

/** Earliest alert event time per incident: where time-to-contain starts when alerts led to it. */
export async function firstAlertTimes(db: Db, incidentIds: string[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  if (!incidentIds.length) return out;
  const rows = await db
    .selectFrom("alerts")
    .select(["incident_id", (eb) => eb.fn.min("first_seen").as("first")])
    .where("incident_id", "in", incidentIds)
    .groupBy("incident_id")
    .execute();
  for (const r of rows) if (r.incident_id && r.first) out.set(r.incident_id, String(r.first));
  return out;
}

/** Gives a pod's unattached alerts to an incident a person opened from them; each arrival goes on its timeline. */
export async function attachPodAlerts(db: Db, incidentId: string, p: Pick<AlertRow, "cluster" | "namespace" | "pod">, by: Caller): Promise<number> {
  const rows = await db
    .selectFrom("alerts")
    .selectAll()
    .where("cluster", "=", p.cluster)
    .where("namespace", "=", p.namespace)
    .where("pod", "=", p.pod)
    .where("incident_id", "is", null)
    .orderBy("first_seen", "asc")
    .execute();
  for (const r of rows) {
    await db.updateTable("alerts").set({ incident_id: incidentId }).where("id", "=", r.id).execute();
    await recordArrival(db, r, by, incidentId, "attached");
  }
  return rows.length;
}
