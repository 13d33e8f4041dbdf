// Time-to-contain over incidents, for the lead's chart and table: pure, so the figures are
// testable and the chart, its text summary and the table say the same thing.
import { formatDuration, type TimeToContain } from "@/lib/containment/board-types";
import type { Incident } from "@/lib/containment/types";

export type ContainPoint = { id: string; title: string; openedAt: string; seconds: number };

export type ContainStats = { count: number; median: number | null; worst: ContainPoint | null };

/** Median (the mean of the two middle values for an even count, rounded to a second) and the worst incident. */
export function containStats(points: ContainPoint[]): ContainStats {
  if (!points.length) return { count: 0, median: null, worst: null };
  const sorted = [...points].sort((a, b) => a.seconds - b.seconds);
  const mid = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 ? sorted[mid].seconds : Math.round((sorted[mid - 1].seconds + sorted[mid].seconds) / 2);
  return { count: points.length, median, worst: sorted.at(-1)! };
}

/** Contained incidents only, oldest first: the chart's bars in the order the incidents were opened. */
export function containPoints(
  incidents: { id: string; title: string; createdAt: string }[],
  seconds: (id: string) => number | null | undefined,
): ContainPoint[] {
  return incidents
    .flatMap((i) => {
      const s = seconds(i.id);
      return s == null ? [] : [{ id: i.id, title: i.title, openedAt: i.createdAt, seconds: s }];
    })
    .sort((a, b) => a.openedAt.localeCompare(b.openedAt));
}

/** One row of the lead's time-to-contain table: where the incident is in its life, and the clock's word. */
export type ContainRow = { status: string; contain: string };

/**
 * The incident's status field turns "contained" as soon as any isolating step succeeds (a label,
 * a cordon), while the clock waits until the board sees a pod-network or node-network layer in
 * effect: printed side by side they read "contained" beside "not yet contained". So the status
 * column says only where the incident is in its life (open or closed, and reviewed), and
 * containment is the clock's to say, with what the status field knows added where it explains.
 */
export function containRow(
  incident: Pick<Incident, "status">,
  reviewed: boolean,
  clock: Pick<TimeToContain, "seconds" | "containedBy"> | undefined,
): ContainRow {
  const status = `${incident.status === "closed" ? "closed" : "open"}${reviewed ? ", reviewed" : ""}`;
  if (clock?.seconds != null) {
    const released = incident.status === "released" ? "; released since" : "";
    return { status, contain: `${formatDuration(clock.seconds)} (${clock.containedBy})${released}` };
  }
  const stepRan = incident.status === "contained" ? ": a containment step ran, but no pod-network or node-network layer has been seen in effect" : "";
  return { status, contain: `not yet contained${stepRan}` };
}
