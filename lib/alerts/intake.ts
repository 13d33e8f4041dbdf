import "server-only";
import { randomUUID } from "node:crypto";
import type { NextRequest } from "next/server";
import type { Caller } from "@/lib/auth/roles";
import { config, type AlertsConfig } from "@/lib/config";
import { executeStep, planStep, EVIDENCE_STEP } from "@/lib/containment/executor";
import { openIncident } from "@/lib/containment/incidents";
import { HttpError, isHttpError } from "@/lib/http/errors";
import { logError, newRef } from "@/lib/http/log";
import { readableReason } from "@/lib/containment/errors";
import { kubeApis, kubeContexts } from "@/lib/kube/clients";
import { notify } from "@/lib/notify";
import { processSingleton } from "@/lib/process-singleton";
import { releaseLease, replicaId, tryLease } from "@/lib/replicas/lease";
import { getDb, isUniqueViolation, type Db } from "@/lib/store";
import { recordAutoRunbookSkipped, startAutoRunbook } from "./auto-runbook";
import { bodyOf, findAccepted, recordDelivery, refuse, withdrawAcceptance, type RawBody } from "./deliveries";
import { ALERT_SEVERITIES, fromFalco, fromGeneric, fromScc, type AlertSeverity, type AlertSource, type NormalizedAlert } from "./formats";
import { incidentTitleFor, openIncidentOnPod, recordArrival, type AlertRow } from "./store";

// One alert in: stored as received, authenticated (by the route's authenticator), parsed,
// checked against the replay record and the live cluster, deduplicated, joined to the pod's
// open incident or (by policy) made into one with evidence collected at once, then announced.

/** Who acts when policy, not a person, opens an incident and collects evidence. */
export const ALERT_POLICY_ACTOR: Caller = {
  id: "system:alert-policy",
  email: "airlock (alert policy)",
  name: "Airlock alert policy",
  roles: ["analyst"],
  via: "token",
};

export type IngestOutcome = {
  alertId: string;
  deliveryId: string;
  /** false when this delivery only counted again an alert seen within the dedupe window. */
  created: boolean;
  count: number;
  incidentId: string | null;
  /** How the alert came to its incident: opened for it by policy, joined an open one, or none. */
  incident: "opened" | "joined" | "none";
  evidence: { runId: string; outcome: string } | { failed: string } | null;
  /** The runbook policy started after the evidence (ALERT_AUTO_RUNBOOK); it runs on after this answer, on the incident's timeline. */
  runbook: { id: string; started: boolean; why?: string } | null;
  /** Why policy could not open the incident it should have (the alert is kept). */
  incidentError?: string;
};

function normalize(source: AlertSource, body: unknown, cfg: AlertsConfig, raw: RawBody): NormalizedAlert {
  if (source === "falco") return fromFalco(body, { field: cfg.falcoClusterField, rules: cfg.falcoClusters }, raw.sha256);
  if (source === "scc") return fromScc(body);
  return fromGeneric(body);
}

const rank = (s: string) => ALERT_SEVERITIES.indexOf(s as AlertSeverity);

/** The pod must exist where the alert says: an alert Airlock cannot act on is refused now, not found later. */
async function checkTarget(a: NormalizedAlert): Promise<HttpError | null> {
  if (!kubeContexts().some((c) => c.name === a.cluster))
    return new HttpError(422, `Unknown cluster "${a.cluster}": no such kubeconfig context`, { reason: "unknown-cluster" });
  try {
    await kubeApis(a.cluster).core.readNamespacedPod({ namespace: a.namespace, name: a.pod });
    return null;
  } catch (err) {
    const r = readableReason(err, { phase: "alert" });
    if (r.status === 404) return new HttpError(404, `No pod ${a.namespace}/${a.pod} in cluster ${a.cluster}`, { reason: "unknown-pod" });
    return new HttpError(503, `Could not read pod ${a.namespace}/${a.pod} in ${a.cluster}: ${r.message}`, { reason: "cluster-unreachable" });
  }
}

/** Same pod and rule within the window: one alert, counted again; else a new one. */
async function upsertAlert(db: Db, a: NormalizedAlert, windowSeconds: number): Promise<{ row: AlertRow; created: boolean }> {
  const since = new Date(Date.parse(a.eventTime) - windowSeconds * 1000).toISOString();
  const existing = await db
    .selectFrom("alerts")
    .selectAll()
    .where("cluster", "=", a.cluster)
    .where("namespace", "=", a.namespace)
    .where("pod", "=", a.pod)
    .where("rule", "=", a.rule)
    .where("last_seen", ">=", since)
    .orderBy("last_seen", "desc")
    .executeTakeFirst();
  if (existing) {
    const next = {
      count: existing.count + 1,
      first_seen: a.eventTime < existing.first_seen ? a.eventTime : existing.first_seen,
      last_seen: a.eventTime > existing.last_seen ? a.eventTime : existing.last_seen,
      severity: rank(a.severity) > rank(existing.severity) ? a.severity : existing.severity,
      mitre_tactic: existing.mitre_tactic ?? a.mitreTactic,
      details: JSON.stringify(a.details),
    };
    await db.updateTable("alerts").set(next).where("id", "=", existing.id).execute();
    return { row: { ...existing, ...next }, created: false };
  }
  const row: AlertRow = {
    id: randomUUID(),
    source: a.source,
    cluster: a.cluster,
    namespace: a.namespace,
    pod: a.pod,
    rule: a.rule,
    severity: a.severity,
    title: a.title,
    mitre_tactic: a.mitreTactic,
    first_seen: a.eventTime,
    last_seen: a.eventTime,
    count: 1,
    incident_id: null,
    details: JSON.stringify(a.details),
    created_at: new Date().toISOString(),
  };
  await db.insertInto("alerts").values(row).execute();
  return { row, created: true };
}

/** Collects evidence at once, as the policy's actor, through the executor like any step. */
async function collectEvidenceNow(incidentId: string): Promise<IngestOutcome["evidence"]> {
  try {
    const plan = await planStep(ALERT_POLICY_ACTOR, incidentId, EVIDENCE_STEP);
    const run = await executeStep(ALERT_POLICY_ACTOR, incidentId, EVIDENCE_STEP, { planHash: plan.planHash });
    return { runId: run.runId, outcome: run.outcome };
  } catch (err) {
    // The executor already put the failure on the timeline; the alert stays accepted.
    return { failed: isHttpError(err) ? err.message : "evidence collection failed (see the incident's timeline)" };
  }
}

/** ALERT_AUTO_RUNBOOK, once the evidence is in: started in the background, or skipped (on the timeline) when evidence failed. */
async function autoRunbook(incidentId: string, evidence: IngestOutcome["evidence"], cfg: AlertsConfig): Promise<IngestOutcome["runbook"]> {
  if (cfg.autoRunbook === "off") return null;
  if (!evidence || "failed" in evidence) {
    const why = `collect-evidence failed (${evidence?.failed ?? "not run"}).`;
    await recordAutoRunbookSkipped(ALERT_POLICY_ACTOR, incidentId, cfg.autoRunbook, why);
    return { id: cfg.autoRunbook, started: false, why };
  }
  startAutoRunbook(ALERT_POLICY_ACTOR, incidentId, cfg.autoRunbook);
  return { id: cfg.autoRunbook, started: true };
}

// Alerts for one pod are triaged one at a time: two critical alerts arriving together open one
// incident. In this process a promise chain per pod orders them; across replicas a short lease per
// pod in the shared database does (upsertAlert reads before it writes, and so does the incident
// check), held from the alert's upsert until its incident is settled.
const podLocks = processSingleton("alert-pod-locks", () => new Map<string, Promise<unknown>>());
async function oneAtATime<T>(db: Db, key: string, fn: () => Promise<T>): Promise<T> {
  const prev = podLocks.get(key) ?? Promise.resolve();
  const next = prev.catch(() => {}).then(() => underPodLease(db, key, fn));
  podLocks.set(key, next);
  try {
    return await next;
  } finally {
    if (podLocks.get(key) === next) podLocks.delete(key);
  }
}

/** Longer than a triage takes; a replica that dies holding it delays the pod's next alert by at most this. */
export const POD_LEASE_TTL_MS = 30_000;
const POD_LEASE_RETRY_MS = 50;

async function underPodLease<T>(db: Db, key: string, fn: () => Promise<T>): Promise<T> {
  const name = `alert-pod:${key}`;
  const holder = `${replicaId()}:${randomUUID()}`;
  const deadline = Date.now() + POD_LEASE_TTL_MS + 1_000;
  while (!(await tryLease(db, name, holder, POD_LEASE_TTL_MS))) {
    if (Date.now() > deadline) throw new HttpError(503, "Another replica is still triaging an alert on this pod; send the alert again");
    await new Promise((r) => setTimeout(r, POD_LEASE_RETRY_MS));
  }
  try {
    return await fn();
  } finally {
    await releaseLease(db, name, holder).catch(() => {});
  }
}

async function triage(db: Db, a: NormalizedAlert, sender: Caller, deliveryId: string, cfg: AlertsConfig): Promise<IngestOutcome> {
  return oneAtATime(db, `${a.cluster}/${a.namespace}/${a.pod}`, async () => {
    const { row, created } = await upsertAlert(db, a, cfg.dedupeWindowSeconds);
    await db.updateTable("alert_deliveries").set({ alert_id: row.id }).where("id", "=", deliveryId).execute();
    const out: IngestOutcome = {
      alertId: row.id,
      deliveryId,
      created,
      count: row.count,
      incidentId: row.incident_id,
      incident: "none",
      evidence: null,
      runbook: null,
    };
    if (row.incident_id) return out;

    const open = await openIncidentOnPod(db, row);
    if (open) {
      await db.updateTable("alerts").set({ incident_id: open.id }).where("id", "=", row.id).execute();
      await recordArrival(db, row, sender, open.id, "joined");
      return { ...out, incidentId: open.id, incident: "joined" };
    }
    if (cfg.autoOpen === "off" || rank(row.severity) < rank(cfg.autoOpen)) return out;

    let incident;
    try {
      incident = await openIncident(ALERT_POLICY_ACTOR, {
        cluster: row.cluster,
        namespace: row.namespace,
        pod: row.pod,
        title: incidentTitleFor(row),
        severity: row.severity as AlertSeverity,
      });
    } catch (err) {
      // The alert is kept either way: the page offers "Open incident" to try again by hand.
      if (isHttpError(err)) return { ...out, incidentError: err.message };
      const ref = newRef();
      logError(ref, err, { phase: "alert-auto-open", alert: row.id });
      return { ...out, incidentError: `the incident could not be opened (ref ${ref})` };
    }
    await db.updateTable("alerts").set({ incident_id: incident.id }).where("id", "=", row.id).execute();
    await recordArrival(db, row, sender, incident.id, "opened");
    const evidence = await collectEvidenceNow(incident.id);
    const runbook = await autoRunbook(incident.id, evidence, cfg);
    return { ...out, incidentId: incident.id, incident: "opened", evidence, runbook };
  });
}

/** The whole intake of one delivery; every refusal is stored before it is answered. */
export async function ingest(req: NextRequest, source: AlertSource, sender: Caller): Promise<Response> {
  const cfg = config().alerts;
  const db = await getDb();
  const raw = await bodyOf(req, cfg.maxBodyBytes);
  const base = { source, sender: sender.email, raw };
  if (raw.tooLarge)
    return refuse(db, base, new HttpError(413, `The alert is larger than ${cfg.maxBodyBytes} bytes (ALERT_MAX_BODY_BYTES)`, { reason: "too-large" }));

  let body: unknown;
  try {
    body = JSON.parse(raw.text);
  } catch {
    return refuse(db, base, new HttpError(400, "Request body is not valid JSON", { reason: "invalid" }));
  }
  let alert: NormalizedAlert;
  try {
    alert = normalize(source, body, cfg, raw);
  } catch (err) {
    if (!isHttpError(err)) throw err;
    return refuse(db, base, err);
  }
  const withId = { ...base, externalId: alert.externalId };
  const replay = new HttpError(409, `Already received: ${source} delivery ${alert.externalId} (a replay changes nothing)`, { reason: "replay" });
  if (await findAccepted(db, source, alert.externalId)) return refuse(db, withId, replay);
  const problem = await checkTarget(alert);
  if (problem) return refuse(db, withId, problem);

  let deliveryId: string;
  try {
    deliveryId = await recordDelivery(db, { ...withId, status: 202, outcome: "accepted" });
  } catch (err) {
    // Two copies raced past the replay check: the unique key lets only one be accepted.
    if (isUniqueViolation(err)) return refuse(db, withId, replay);
    throw err;
  }
  let out: Awaited<ReturnType<typeof triage>>;
  try {
    out = await triage(db, alert, sender, deliveryId, cfg);
  } catch (err) {
    if (isHttpError(err)) return withdrawAcceptance(db, deliveryId, err);
    throw err;
  }
  if (out.created) {
    notify({
      kind: "alert-received",
      alertId: out.alertId,
      source,
      rule: alert.rule,
      severity: alert.severity,
      target: `${alert.cluster} ${alert.namespace}/${alert.pod}`,
      incidentId: out.incidentId,
      incidentOpened: out.incident === "opened",
      actor: sender.email,
    });
  }
  await db
    .updateTable("alert_deliveries")
    .set({ http_status: out.created ? 201 : 200 })
    .where("id", "=", deliveryId)
    .execute();
  return Response.json(out, { status: out.created ? 201 : 200 });
}
