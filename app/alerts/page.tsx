import type { Metadata } from "next";
import Link from "next/link";
import { redirect } from "next/navigation";
import { AlertTable, podHref } from "@/components/alerts/alert-table";
import { OpenIncidentButton } from "@/components/alerts/open-incident-button";
import { SeverityBadge } from "@/components/containment/severity-badge";
import { ErrorMessage } from "@/components/ui/error-message";
import { EmptyRow, Table, TBody, Td, Th, THead } from "@/components/ui/table";
import { listDeliveries } from "@/lib/alerts/deliveries";
import { ALERT_ROLES } from "@/lib/alerts/doors";
import { listPodAlerts } from "@/lib/alerts/store";
import { getCaller, meetsRequirement } from "@/lib/auth";
import { OPEN_INCIDENT_ROLE } from "@/lib/containment/doors";
import { getDb } from "@/lib/store";

export const metadata: Metadata = { title: "Alerts" };
export const dynamic = "force-dynamic";

/** Triage: alerts grouped per pod, worst first; each pod's incident, or the button that opens one. */
export default async function AlertsPage() {
  const caller = await getCaller();
  if (!caller) redirect("/signin?callbackUrl=/alerts");
  if (!meetsRequirement(caller, ALERT_ROLES)) {
    return (
      <div className="space-y-4">
        <h1 className="text-2xl font-semibold">Alerts</h1>
        <ErrorMessage title="Not allowed">Alerts need the analyst role. Ask an admin.</ErrorMessage>
      </div>
    );
  }
  const db = await getDb();
  const [pods, refused] = await Promise.all([listPodAlerts(db), listDeliveries(db, { refusedOnly: true, limit: 20 })]);
  const canOpen = meetsRequirement(caller, OPEN_INCIDENT_ROLE);

  return (
    <div className="space-y-8">
      <div className="space-y-1">
        <h1 className="text-2xl font-semibold">Alerts</h1>
        <p className="text-sm text-slate-600">
          From Falco (Falcosidekick), Security Command Center and other senders. The same rule on the same pod within the dedupe window is one alert with a
          count.
        </p>
      </div>
      {pods.length === 0 && <p className="rounded-lg border border-slate-200 bg-white px-4 py-6 text-center text-slate-600">No alerts yet.</p>}
      {pods.map((p) => {
        const name = `${p.namespace}/${p.pod}`;
        const headingId = `pod-${p.cluster}-${p.namespace}-${p.pod}`.replace(/[^A-Za-z0-9_-]/g, "-");
        // Any alert on no incident yet can be opened (or joined) from here, even when a newer one has an incident.
        const unattached = p.alerts.find((a) => !a.incidentId);
        return (
          <section key={`${p.cluster}/${name}`} aria-labelledby={headingId} className="space-y-2">
            <div className="flex flex-wrap items-center justify-between gap-3">
              <h2 id={headingId} className="flex flex-wrap items-center gap-2 text-lg font-semibold">
                <SeverityBadge severity={p.severity} />
                <Link href={podHref(p)} className="font-mono">
                  {name}
                </Link>
                <span className="font-mono text-xs font-normal text-slate-600">{p.cluster}</span>
              </h2>
              <div className="flex flex-wrap items-center gap-3">
                {p.incidentId && (
                  <Link href={`/incidents/${encodeURIComponent(p.incidentId)}`} className="font-medium">
                    Incident for {name}
                  </Link>
                )}
                {unattached && canOpen && <OpenIncidentButton alertId={unattached.id} label={`Open incident for ${name}`} />}
              </div>
            </div>
            <AlertTable alerts={p.alerts} caption={`Alerts on ${name}, newest first`} />
          </section>
        );
      })}
      <section aria-labelledby="refused" className="space-y-2">
        <h2 id="refused" className="text-lg font-semibold">
          Refused and replayed deliveries
        </h2>
        <p className="text-sm text-slate-600">Every delivery is kept as received with its SHA-256, including the ones Airlock refused.</p>
        <Table caption="Recent refused and replayed deliveries, newest first">
          <THead>
            <tr>
              <Th>Received</Th>
              <Th>Source</Th>
              <Th>Sender</Th>
              <Th>Answer</Th>
              <Th>Reason</Th>
              <Th>SHA-256</Th>
            </tr>
          </THead>
          <TBody>
            {refused.length === 0 && <EmptyRow colSpan={6}>None.</EmptyRow>}
            {refused.map((d) => (
              <tr key={d.id}>
                <Td className="whitespace-nowrap text-xs">{d.receivedAt.replace("T", " ").slice(0, 19)}</Td>
                <Td>{d.source}</Td>
                <Td className="text-xs">{d.sender ?? "unknown"}</Td>
                <Td>
                  {d.httpStatus} {d.outcome}
                </Td>
                <Td className="max-w-md break-words text-xs">{d.reason}</Td>
                <Td className="font-mono text-xs">{d.sha256.slice(0, 12)}…</Td>
              </tr>
            ))}
          </TBody>
        </Table>
      </section>
    </div>
  );
}
