// Time-to-contain over incidents, for the lead's chart: pure, so the figures are testable and the
// chart and its text summary say the same thing.

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
