import type { Metadata } from "next";
import Link from "next/link";
import { redirect } from "next/navigation";
import { TimeToContainChart } from "@/components/review/time-to-contain-chart";
import { TimelineFilters, type FilterValues } from "@/components/review/timeline-filters";
import { TimelineTable } from "@/components/review/timeline-table";
import { ErrorMessage } from "@/components/ui/error-message";
import { Table, TBody, Td, Th, THead } from "@/components/ui/table";
import { getCaller, meetsRequirement } from "@/lib/auth";
import { recordedTimeToContain } from "@/lib/containment/board";
import { formatTime } from "@/lib/containment/board-types";
import { listIncidents } from "@/lib/containment/incidents";
import { listSteps } from "@/lib/containment/registry";
import { getDb } from "@/lib/store";
import { REVIEW_READ_ROLES } from "@/lib/timeline-view/doors";
import { queryTimeline, timelineFilters } from "@/lib/timeline-view/query";
import { reviewedIncidents } from "@/lib/timeline-view/review";
import { containPoints, containRow } from "@/lib/timeline-view/time-to-contain";

export const metadata: Metadata = { title: "Timeline" };
export const dynamic = "force-dynamic";

const KINDS = [
  "incident-opened",
  "isolation-verified",
  "plan",
  "runbook",
  "intent",
  "record-kept",
  "result",
  "verify",
  "undo",
  "refused",
  "override",
  "reconcile",
  "status-changed",
  "evidence-stored",
  "comment",
  "incident-reviewed",
  "approval-requested",
  "approval-approved",
  "approval-rejected",
  "approval-expired",
  "approval-used",
];

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

function first(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}

/** The lead's view: every incident's timeline in one place, filtered on the server, paged by id. */
export default async function TimelinePage({ searchParams }: Props) {
  const caller = await getCaller();
  if (!caller) redirect("/signin?callbackUrl=/timeline");
  if (!meetsRequirement(caller, REVIEW_READ_ROLES)) {
    return (
      <div className="space-y-4">
        <h1 className="text-2xl font-semibold">Timeline</h1>
        <ErrorMessage title="Not allowed">The timeline needs the analyst, approver or lead role. Ask an admin.</ErrorMessage>
      </div>
    );
  }
  const raw = await searchParams;
  const values: FilterValues = {};
  for (const k of ["incidentId", "actor", "stepId", "kind", "outcome", "from", "to"] as const) {
    const v = first(raw[k]);
    if (v) values[k] = v;
  }
  const parsed = timelineFilters.safeParse({ ...values, before: first(raw.before), limit: first(raw.limit) });
  const [incidents, page] = await Promise.all([
    listIncidents({ limit: 500 }),
    parsed.success ? queryTimeline(await getDb(), parsed.data) : Promise.resolve(null),
  ]);
  const db = await getDb();
  const [clocks, reviewed] = await Promise.all([
    recordedTimeToContain(db, incidents),
    reviewedIncidents(
      db,
      incidents.map((i) => i.id),
    ),
  ]);
  const older = new URLSearchParams({ ...values, ...(page?.next ? { before: String(page.next) } : {}) });

  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-semibold">Timeline</h1>
      <section aria-labelledby="ttc-heading" className="space-y-2">
        <h2 id="ttc-heading" className="text-lg font-semibold">
          Time to contain
        </h2>
        <p className="text-sm text-slate-600">
          From the clock&apos;s start (the earliest alert&apos;s event time when the incident has alerts, otherwise the incident&apos;s opening) to the first
          moment a pod-network or node-network layer was proven in effect: the attestation that found the pod isolated, or the node isolation&apos;s
          verification (recorded once; kept after release).
        </p>
        <TimeToContainChart points={containPoints(incidents, (id) => clocks.get(id)?.seconds)} />
        <Table caption="Time to contain per incident">
          <THead>
            <tr>
              <Th className="w-2/5">Incident</Th>
              <Th>Status</Th>
              <Th>Clock started</Th>
              <Th>Time to contain</Th>
            </tr>
          </THead>
          <TBody>
            {incidents.map((i) => {
              const c = clocks.get(i.id);
              const row = containRow(i, reviewed.has(i.id), c);
              return (
                <tr key={i.id}>
                  <Th scope="row" className="break-words font-normal normal-case">
                    <Link href={`/incidents/${encodeURIComponent(i.id)}`}>{i.title}</Link>
                  </Th>
                  <Td>{row.status}</Td>
                  <Td>
                    {formatTime(c?.openedAt ?? i.createdAt)} ({c?.openedFrom === "alert" ? "first alert" : "incident opened"})
                  </Td>
                  <Td>{row.contain}</Td>
                </tr>
              );
            })}
          </TBody>
        </Table>
      </section>
      <TimelineFilters
        values={values}
        incidents={incidents.map((i) => ({ id: i.id, title: i.title }))}
        steps={listSteps().map((s) => ({ id: s.id, title: s.title }))}
        kinds={KINDS}
      />
      {!parsed.success && (
        <ErrorMessage title="Invalid filters">{parsed.error.issues.map((i) => `${String(i.path[0] ?? "filter")}: ${i.message}`).join("; ")}</ErrorMessage>
      )}
      {page && <TimelineTable items={page.items} />}
      {page?.next && (
        <Link href={`/timeline?${older.toString()}`} rel="next">
          Older entries
        </Link>
      )}
    </div>
  );
}
