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
 *
 * `compact` is for the incident page's side column (about 480 px): seven columns of an audit
 * row do not fit there, so the detail moves to a full-width line under its entry, the time
 * shows the clock only (the full timestamp stays in the <time> element) and long words wrap.
 */
export function TimelineEntriesTable<E extends Entry>({
  caption,
  entries,
  empty,
  timeHeader = "Time",
  acrossIncidents = false,
  detail,
  compact = false,
}: {
  caption: string;
  entries: E[];
  empty: ReactNode;
  timeHeader?: string;
  acrossIncidents?: boolean;
  detail: (e: E) => ReactNode;
  compact?: boolean;
}) {
  if (compact) return <CompactEntriesTable caption={caption} entries={entries} empty={empty} timeHeader={timeHeader} detail={detail} />;
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

function CompactEntriesTable<E extends Entry>({
  caption,
  entries,
  empty,
  timeHeader,
  detail,
}: {
  caption: string;
  entries: E[];
  empty: ReactNode;
  timeHeader: string;
  detail: (e: E) => ReactNode;
}) {
  const cell = "px-2 py-1.5 align-top text-xs text-slate-800 break-words";
  return (
    <Table caption={caption}>
      <THead>
        <tr>
          <Th className="px-2">{timeHeader}</Th>
          <Th className="px-2">Actor</Th>
          <Th className="px-2">Role</Th>
          <Th className="px-2">Kind</Th>
          <Th className="px-2">Step</Th>
          <Th className="px-2">Outcome</Th>
        </tr>
        <tr>
          <Th colSpan={6} className="px-2 pt-0">
            Detail
          </Th>
        </tr>
      </THead>
      {entries.length === 0 && (
        <TBody>
          <EmptyRow colSpan={6}>{empty}</EmptyRow>
        </TBody>
      )}
      {/* One <tbody> per entry keeps its two rows together (and the zebra stripe per entry). */}
      {entries.map((e, i) => {
        const d = detail(e);
        const shade = i % 2 === 1 ? "bg-slate-50" : "";
        return (
          <tbody key={e.id} className={`border-t border-slate-100 ${shade}`}>
            <tr>
              <td className={`${cell} whitespace-nowrap font-mono`}>
                <time dateTime={e.at} title={e.at.replace("T", " ").slice(0, 19)}>
                  {e.at.slice(11, 19)}
                </time>
              </td>
              <td className={cell}>{withBreakAfterAt(e.actor)}</td>
              <td className={cell}>{e.role ?? ""}</td>
              <td className={cell}>{e.kind}</td>
              <td className={`${cell} font-mono`}>{e.stepId ?? ""}</td>
              <td className={cell}>{outcomeText(e)}</td>
            </tr>
            {d !== "" && d !== null && d !== undefined && (
              <tr>
                <td colSpan={6} className={`${cell} pt-0 text-slate-600`}>
                  <span className="sr-only">Detail: </span>
                  {d}
                </td>
              </tr>
            )}
          </tbody>
        );
      })}
    </Table>
  );
}

/** An e-mail address may break after its "@" (a narrow column), without changing its text. */
function withBreakAfterAt(actor: string): ReactNode {
  const at = actor.indexOf("@");
  if (at < 0) return actor;
  return (
    <>
      {actor.slice(0, at + 1)}
      <wbr />
      {actor.slice(at + 1)}
    </>
  );
}
