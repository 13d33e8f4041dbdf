import Link from "next/link";
import type { ReactNode } from "react";
import { EmptyRow, Table, TBody, Td, Th, THead } from "@/components/ui/table";
import type { TimelineEntry } from "@/lib/audit/append";

type Entry = TimelineEntry & { incidentTitle?: string | null };

/**
 * Timeline entries as a table, for the wizard's panel (one incident) and the lead's timeline page
 * (across incidents: `acrossIncidents` adds the entry number and a link to its incident). Each
 * caller says how an entry's outcome and detail read, since the two views word them differently.
 */
export function TimelineEntriesTable<E extends Entry>({
  caption,
  entries,
  empty,
  timeHeader = "Time",
  acrossIncidents = false,
  outcome,
  detail,
}: {
  caption: string;
  entries: E[];
  empty: ReactNode;
  timeHeader?: string;
  acrossIncidents?: boolean;
  outcome: (e: E) => ReactNode;
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
            <Td>{outcome(e)}</Td>
            <Td className="max-w-md text-xs">{detail(e)}</Td>
          </tr>
        ))}
      </TBody>
    </Table>
  );
}
