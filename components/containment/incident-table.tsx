import Link from "next/link";
import { EmptyRow, Table, TBody, Td, Th, THead } from "@/components/ui/table";
import type { Incident } from "@/lib/containment/types";
import { SeverityBadge } from "./severity-badge";

export function IncidentTable({ incidents }: { incidents: Incident[] }) {
  return (
    <Table caption="Incidents, newest first">
      <THead>
        <tr>
          <Th>Title</Th>
          <Th>Severity</Th>
          <Th>Status</Th>
          <Th>Cluster</Th>
          <Th>Pod</Th>
          <Th>Opened</Th>
        </tr>
      </THead>
      <TBody>
        {incidents.length === 0 && <EmptyRow colSpan={6}>No incidents yet. Open one from a pod&apos;s page.</EmptyRow>}
        {incidents.map((i) => (
          <tr key={i.id}>
            <Td>
              <Link href={`/incidents/${encodeURIComponent(i.id)}`} className="font-medium">
                {i.title}
              </Link>
            </Td>
            <Td>
              <SeverityBadge severity={i.severity} />
            </Td>
            <Td>{i.status}</Td>
            <Td className="font-mono text-xs">{i.targets.cluster}</Td>
            <Td className="font-mono text-xs">
              {i.targets.namespace}/{i.targets.pod}
            </Td>
            <Td className="whitespace-nowrap text-xs">
              {i.createdAt.replace("T", " ").slice(0, 19)} by {i.createdBy}
            </Td>
          </tr>
        ))}
      </TBody>
    </Table>
  );
}
