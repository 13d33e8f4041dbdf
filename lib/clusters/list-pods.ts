import "server-only";
import { meetsRequirement, type Caller } from "@/lib/auth";
import { INCIDENT_ROLES } from "@/lib/containment/doors";
import { kubeApis } from "@/lib/kube/clients";
import { getDb, type Db } from "@/lib/store";
import { kubeRead } from "./kube-call";
import { openIncidentsByPod, securityEventsByPod, withSuspicion } from "./pod-suspicion";
import { podRow, toPage } from "./rows";
import type { ListQuery, Page, PodPage, PodRow } from "./types";

/** One page of pods, filtered and paged by the API server (never the whole cluster). */
export async function listPods(clusterId: string, q: ListQuery): Promise<Page<PodRow>> {
  const { core } = kubeApis(clusterId);
  const common = {
    labelSelector: q.labelSelector,
    fieldSelector: q.fieldSelector,
    limit: q.limit ?? 100,
    _continue: q.continue,
  };
  const list = await kubeRead(() => (q.namespace ? core.listNamespacedPod({ namespace: q.namespace, ...common }) : core.listPodForAllNamespaces(common)));
  return toPage(list.metadata, list.items.map(podRow));
}

/**
 * A page of pods for an analyst: each row says whether it has security events or an open
 * incident. Costs one events list call per page (not per pod) and one database query. Events
 * that cannot be read (RBAC) leave the list usable and say so, rather than failing it.
 * Incidents are only looked up for a caller whose role may see incidents (an admin browses
 * pods but must not learn incident titles this way).
 */
export async function listPodsForAnalyst(clusterId: string, q: ListQuery, opts: { caller: Caller; db?: Db }): Promise<PodPage> {
  const seesIncidents = meetsRequirement(opts.caller, INCIDENT_ROLES);
  const [page, events, incidents] = await Promise.all([
    listPods(clusterId, q),
    securityEventsByPod(clusterId, q.namespace).catch(() => null),
    seesIncidents ? (async () => openIncidentsByPod(opts.db ?? (await getDb()), clusterId, q.namespace))() : new Map<string, { id: string; title: string }>(),
  ]);
  return {
    ...page,
    items: withSuspicion(page.items, events ?? new Map(), incidents),
    ...(events ? {} : { securityEventsUnavailable: true }),
  };
}
