import Link from "next/link";
import type { ReactNode } from "react";
import { EmptyRow, Table, TBody, Td, Th, THead } from "@/components/ui/table";
import type { TimelineEntry } from "@/lib/audit/append";
import { outcomeText } from "@/lib/timeline-view/outcome";

type Entry = TimelineEntry & { incidentTitle?: string | null };

/**
 * Timeline entries as a table, for the wizard's panel (one incident) and the lead's timeline page
 * (across incidents: `acrossIncidents` adds the entry number and a link to its incident). The
 * outcome reads the same in both (outcomeText); the caller gives the detail, since the lead's page
 * adds which entry a comment is about.
 */
export function TimelineEntriesTable<E extends Entry>({
  caption,
  entries,
  empty,
  timeHeader = "Time",
  acrossIncidents = false,
  detail,
}: {
  caption: string;
  entries: E[];
  empty: ReactNode;
  timeHeader?: string;
  acrossIncidents?: boolean;
  detail: (e: E) => ReactNode;
}) {
  return (
    <Table caption={caption}>
      <THead>
        <tr>
          {acrossIncidents && <Th>#</Th>}
          <Th>{timeHeader}</Th>
          {acrossIncidents && <Th>Incident</Th>}
          <Th>Actor</Th>
          <Th>Role</Th>
          <Th>Kind</Th>
          <Th>Step</Th>
          <Th>Outcome</Th>
          <Th>Detail</Th>
        </tr>
      </THead>
      <TBody>
        {entries.length === 0 && <EmptyRow colSpan={acrossIncidents ? 9 : 7}>{empty}</EmptyRow>}
        {entries.map((e) => (
          <tr key={e.id}>
            {acrossIncidents && <Td className="font-mono text-xs">{e.id}</Td>}
            <Td className="whitespace-nowrap font-mono text-xs">{e.at.replace("T", " ").slice(0, 19)}</Td>
            {acrossIncidents && (
              <Td>{e.incidentId ? <Link href={`/incidents/${encodeURIComponent(e.incidentId)}`}>{e.incidentTitle ?? e.incidentId.slice(0, 8)}</Link> : ""}</Td>
            )}
            <Td>{e.actor}</Td>
            <Td>{e.role ?? ""}</Td>
            <Td>{e.kind}</Td>
            <Td className="font-mono text-xs">{e.stepId ?? ""}</Td>
            <Td>{outcomeText(e)}</Td>
            <Td className="max-w-md text-xs">{detail(e)}</Td>
          </tr>
        ))}
      </TBody>
    </Table>
  );
}
