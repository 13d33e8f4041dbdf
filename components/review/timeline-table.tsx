import { TimelineEntriesTable } from "@/components/timeline/entries-table";
import type { TimelineViewEntry } from "@/lib/timeline-view/query";
import { messageOf } from "@/lib/timeline-view/outcome";

/** Entries newest first, across incidents; a comment shows the entry it refers to. */
export function TimelineTable({ items }: { items: TimelineViewEntry[] }) {
  return (
    <TimelineEntriesTable
      caption="Timeline entries, newest first"
      entries={items}
      empty="No entries match these filters."
      timeHeader="Time (UTC)"
      acrossIncidents
      detail={(e) => (
        <>
          {e.kind === "comment" && typeof e.details.entryId === "number" ? `on #${e.details.entryId}: ` : ""}
          {messageOf(e)}
        </>
      )}
    />
  );
}
