import "server-only";
import type { CoreV1Event } from "@kubernetes/client-node";
import { kubeApis } from "@/lib/kube/clients";
import type { Db } from "@/lib/store";
import { kubeRead } from "./kube-call";
import type { PodRow, PodSuspicion } from "./types";

/**
 * Reasons runtime-security agents (Falco and the like) give the Warning events they record on a
 * pod. Kubelet Warnings (Unhealthy, BackOff, FailedMount) are about health, not compromise.
 */
export const SECURITY_EVENT_REASONS: ReadonlySet<string> = new Set([
  "SuspiciousExec",
  "OutboundConnection",
  "SensitiveFileRead",
  "PrivilegeEscalation",
  "UnexpectedProcess",
  "CryptoMining",
]);

const SECURITY_SOURCES = /falco|sysdig|tetragon|container-threat-detection/i;

// Enough for every security event of a busy namespace; one call, never one per pod.
const EVENT_LIMIT = 2000;

export function isSecurityEvent(e: CoreV1Event): boolean {
  if (e.type !== "Warning") return false;
  const source = e.source?.component ?? e.reportingComponent ?? "";
  return SECURITY_EVENT_REASONS.has(e.reason ?? "") || SECURITY_SOURCES.test(source);
}

const key = (namespace: string, name: string) => `${namespace}/${name}`;

/**
 * Security events per pod (`namespace/name`), from ONE list call of the namespace's (or the
 * cluster's) Warning events about pods, filtered by the API server with a field selector.
 */
export async function securityEventsByPod(clusterId: string, namespace?: string): Promise<Map<string, PodSuspicion["securityEvents"]>> {
  const { core } = kubeApis(clusterId);
  const query = { fieldSelector: "type=Warning,involvedObject.kind=Pod", limit: EVENT_LIMIT };
  const list = await kubeRead(() => (namespace ? core.listNamespacedEvent({ namespace, ...query }) : core.listEventForAllNamespaces(query)));
  const counts = new Map<string, Map<string, number>>();
  for (const e of list.items) {
    if (!isSecurityEvent(e) || !e.involvedObject.name) continue;
    const k = key(e.involvedObject.namespace ?? e.metadata.namespace ?? "", e.involvedObject.name);
    const byReason = counts.get(k) ?? new Map<string, number>();
    byReason.set(e.reason ?? "Unknown", (byReason.get(e.reason ?? "Unknown") ?? 0) + (e.count ?? 1));
    counts.set(k, byReason);
  }
  return new Map(
    [...counts].map(([k, byReason]) => [
      k,
      [...byReason].map(([reason, count]) => ({ reason, count })).sort((a, b) => b.count - a.count || a.reason.localeCompare(b.reason)),
    ]),
  );
}

/** Incidents not yet closed, per pod (`namespace/name`) of this cluster. */
export async function openIncidentsByPod(db: Db, clusterId: string, namespace?: string): Promise<Map<string, { id: string; title: string }>> {
  let q = db.selectFrom("incidents").select(["id", "title", "namespace", "pod", "created_at"]).where("cluster", "=", clusterId).where("status", "!=", "closed");
  if (namespace) q = q.where("namespace", "=", namespace);
  const rows = await q.orderBy("created_at", "desc").execute();
  const out = new Map<string, { id: string; title: string }>();
  for (const r of rows) if (!out.has(key(r.namespace, r.pod))) out.set(key(r.namespace, r.pod), { id: r.id, title: r.title });
  return out;
}

export function withSuspicion(
  rows: PodRow[],
  events: Map<string, PodSuspicion["securityEvents"]>,
  incidents: Map<string, { id: string; title: string }>,
): PodRow[] {
  return rows.map((r) => ({
    ...r,
    suspicion: { securityEvents: events.get(key(r.namespace, r.name)) ?? [], openIncident: incidents.get(key(r.namespace, r.name)) ?? null },
  }));
}
