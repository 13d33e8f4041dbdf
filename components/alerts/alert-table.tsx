import Link from "next/link";
import { SeverityBadge } from "@/components/containment/severity-badge";
import { EmptyRow, Table, TBody, Td, Th, THead } from "@/components/ui/table";
import type { AlertView } from "@/lib/alerts/types";

const time = (iso: string) => iso.replace("T", " ").slice(0, 19);

/** One row per alert: what fired, how bad, how often, since when. */
export function AlertTable({ alerts, caption }: { alerts: AlertView[]; caption: string }) {
  return (
    <Table caption={caption}>
      <THead>
        <tr>
          <Th>Severity</Th>
          <Th>Rule</Th>
          <Th>MITRE tactic</Th>
          <Th>Source</Th>
          <Th className="text-right">Count</Th>
          <Th>First seen</Th>
          <Th>Last seen</Th>
        </tr>
      </THead>
      <TBody>
        {alerts.length === 0 && <EmptyRow colSpan={7}>No alerts.</EmptyRow>}
        {alerts.map((a) => (
          <tr key={a.id}>
            <Td>
              <SeverityBadge severity={a.severity} />
            </Td>
            <Td>
              <div className="font-medium">{a.rule}</div>
              {a.title !== a.rule && <div className="mt-0.5 max-w-xl break-words text-xs text-slate-600">{a.title}</div>}
            </Td>
            <Td>{a.mitreTactic ?? <span className="text-slate-500">not given</span>}</Td>
            <Td>{a.source}</Td>
            <Td className="text-right font-mono" aria-label={`${a.count} time${a.count === 1 ? "" : "s"}`}>
              {a.count}
            </Td>
            <Td className="whitespace-nowrap text-xs">{time(a.firstSeen)}</Td>
            <Td className="whitespace-nowrap text-xs">{time(a.lastSeen)}</Td>
          </tr>
        ))}
      </TBody>
    </Table>
  );
}

export function podHref(a: { cluster: string; namespace: string; pod: string }): string {
  return `/clusters/${encodeURIComponent(a.cluster)}/pods/${encodeURIComponent(a.namespace)}/${encodeURIComponent(a.pod)}`;
}

/** The alerts an incident keeps, on its page. */
export function IncidentAlerts({ alerts }: { alerts: AlertView[] }) {
  if (!alerts.length) return null;
  return (
    <section aria-labelledby="incident-alerts" className="space-y-2">
      <h2 id="incident-alerts" className="text-lg font-semibold">
        Alerts ({alerts.length})
      </h2>
      <p className="text-sm text-slate-600">
        What the detectors reported about this pod. Time to contain is measured from the earliest, at {time(alerts[0].firstSeen)} UTC.{" "}
        <Link href="/alerts">All alerts</Link>
      </p>
      <AlertTable alerts={alerts} caption="Alerts this incident keeps, earliest first" />
    </section>
  );
}
