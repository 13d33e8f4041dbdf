import type { Metadata } from "next";
import Link from "next/link";
import { redirect } from "next/navigation";
import { buttonClass } from "@/components/ui/button";
import { EmptyRow, Table, TBody, Td, Th, THead } from "@/components/ui/table";
import { getCaller, meetsRequirement } from "@/lib/auth";
import { INCIDENT_ROLES } from "@/lib/containment/doors";
import { listIncidents } from "@/lib/containment/incidents";

export const metadata: Metadata = { title: "Incidents" };
export const dynamic = "force-dynamic";

const when = (iso: string) => new Date(iso).toISOString().replace("T", " ").slice(0, 19) + " UTC";

export default async function IncidentsPage() {
  const caller = await getCaller();
  if (!caller) redirect("/signin?callbackUrl=/incidents");
  if (!meetsRequirement(caller, INCIDENT_ROLES)) {
    return <p role="alert">Your role does not allow viewing incidents.</p>;
  }
  const incidents = await listIncidents({ limit: 200 });
  return (
    <div className="space-y-4">
      <div className="flex items-center justify-between">
        <h1 className="text-2xl font-semibold">Incidents</h1>
        <Link href="/incidents/new" className={buttonClass("primary")}>
          Open an incident
        </Link>
      </div>
      <Table caption="Incidents, newest first">
        <THead>
          <tr>
            <Th>Title</Th>
            <Th>Severity</Th>
            <Th>Status</Th>
            <Th>Pod</Th>
            <Th>Cluster</Th>
            <Th>Opened</Th>
          </tr>
        </THead>
        <TBody>
          {incidents.length === 0 && <EmptyRow colSpan={6}>No incidents yet.</EmptyRow>}
          {incidents.map((i) => (
            <tr key={i.id}>
              <Td>
                <Link href={`/incidents/${i.id}`} className="text-blue-700 underline">
                  {i.title}
                </Link>
              </Td>
              <Td>{i.severity}</Td>
              <Td>{i.status}</Td>
              <Td className="font-mono text-xs">
                {i.targets.namespace}/{i.targets.pod}
              </Td>
              <Td className="font-mono text-xs">{i.targets.cluster}</Td>
              <Td>
                {when(i.createdAt)} by {i.createdBy}
              </Td>
            </tr>
          ))}
        </TBody>
      </Table>
    </div>
  );
}
