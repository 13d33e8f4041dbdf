"use client";

import { useQuery } from "@tanstack/react-query";
import { TimelineEntriesTable } from "@/components/timeline/entries-table";
import type { TimelineEntry } from "@/lib/audit/append";
import { messageOf } from "@/lib/timeline-view/outcome";
import { incidentQueries } from "./queries";

const POLL_MS = 3000;

/** The incident's hash-chained timeline, newest first, polled so other analysts' actions appear. */
export function TimelinePanel({ incidentId, initial }: { incidentId: string; initial: TimelineEntry[] }) {
  const q = useQuery({ ...incidentQueries.timeline(incidentId), initialData: { items: initial }, refetchInterval: POLL_MS, staleTime: 0 });
  const entries = [...(q.data?.items ?? [])].reverse();
  return (
    <section aria-labelledby="timeline-heading" className="space-y-2">
      <h2 id="timeline-heading" className="text-lg font-semibold">
        Timeline
      </h2>
      {q.isError && <p className="text-sm text-amber-800">The timeline could not be refreshed: {q.error.message}</p>}
      {/* Scrolls within itself once the incident has many entries, so a keyboard must be able to focus it. */}
      <div role="group" aria-label="Timeline entries" tabIndex={0} className="max-h-[80vh] overflow-y-auto">
        <TimelineEntriesTable compact caption="Incident timeline, newest first" entries={entries} empty="Nothing yet." detail={messageOf} />
      </div>
    </section>
  );
}
