import "server-only";
import type { Caller } from "@/lib/auth/roles";
import { openIncident } from "@/lib/containment/incidents";
import { HttpError } from "@/lib/http/errors";
import { getDb } from "@/lib/store";
import type { AlertSeverity } from "./formats";
import { attachPodAlerts, incidentTitleFor, openIncidentOnPod } from "./store";

/**
 * "Open incident" on an alert: the pod's open incident if there is one, else a new one opened by
 * the analyst; either way the pod's alerts that had no incident join it, each on its timeline.
 */
export async function openIncidentFromAlert(caller: Caller, alertId: string): Promise<{ id: string; opened: boolean }> {
  const db = await getDb();
  const alert = await db.selectFrom("alerts").selectAll().where("id", "=", alertId).executeTakeFirst();
  if (!alert) throw new HttpError(404, "No such alert");
  const existing = await openIncidentOnPod(db, alert);
  const id =
    existing?.id ??
    (
      await openIncident(caller, {
        cluster: alert.cluster,
        namespace: alert.namespace,
        pod: alert.pod,
        title: incidentTitleFor(alert),
        severity: alert.severity as AlertSeverity,
      })
    ).id;
  await attachPodAlerts(db, id, alert, caller);
  return { id, opened: !existing };
}
