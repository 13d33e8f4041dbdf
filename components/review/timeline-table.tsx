import Link from "next/link";
import { EmptyRow, Table, TBody, Td, Th, THead } from "@/components/ui/table";
import type { TimelineViewEntry } from "@/lib/timeline-view/query";
import { messageOf } from "@/lib/timeline-view/outcome";

/** Entries newest first, across incidents; a comment shows the entry it refers to. */
export function TimelineTable({ items }: { items: TimelineViewEntry[] }) {
  return (
    <Table caption="Timeline entries, newest first">
      <THead>
        <tr>
          <Th>#</Th>
          <Th>Time (UTC)</Th>
          <Th>Incident</Th>
          <Th>Actor</Th>
          <Th>Role</Th>
          <Th>Kind</Th>
          <Th>Step</Th>
          <Th>Outcome</Th>
          <Th>Detail</Th>
        </tr>
      </THead>
      <TBody>
        {items.length === 0 && <EmptyRow colSpan={9}>No entries match these filters.</EmptyRow>}
        {items.map((e) => (
          <tr key={e.id}>
            <Td className="font-mono text-xs">{e.id}</Td>
            <Td className="whitespace-nowrap font-mono text-xs">{e.at.replace("T", " ").slice(0, 19)}</Td>
            <Td>{e.incidentId ? <Link href={`/incidents/${encodeURIComponent(e.incidentId)}`}>{e.incidentTitle ?? e.incidentId.slice(0, 8)}</Link> : ""}</Td>
            <Td>{e.actor}</Td>
            <Td>{e.role ?? ""}</Td>
            <Td>{e.kind}</Td>
            <Td className="font-mono text-xs">{e.stepId ?? ""}</Td>
            <Td>{e.outcome ?? ""}</Td>
            <Td className="max-w-md text-xs">
              {e.kind === "comment" && typeof e.details.entryId === "number" ? `on #${e.details.entryId}: ` : ""}
              {messageOf(e)}
            </Td>
          </tr>
        ))}
      </TBody>
    </Table>
  );
}
