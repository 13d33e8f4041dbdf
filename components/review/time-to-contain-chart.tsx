import { formatDuration } from "@/lib/containment/board-types";
import { containStats, type ContainPoint } from "@/lib/timeline-view/time-to-contain";

const W = 640;
const H = 220;
const PAD = { left: 64, right: 16, top: 16, bottom: 32 };
const PLOT_W = W - PAD.left - PAD.right;
const PLOT_H = H - PAD.top - PAD.bottom;

/**
 * Time-to-contain per incident as bars, oldest first, with the median as a dashed line and the
 * worst bar marked. An SVG image with a title and a description that state the figures; the
 * table under it holds every value, so nothing is only in the picture.
 */
export function TimeToContainChart({ points }: { points: ContainPoint[] }) {
  const stats = containStats(points);
  if (!stats.count || stats.median === null || !stats.worst) {
    return <p className="text-sm text-slate-600">No incident is contained yet: the chart appears once one is.</p>;
  }
  const max = Math.max(stats.worst.seconds, 1);
  const y = (s: number) => PAD.top + PLOT_H - (s / max) * PLOT_H;
  const slot = PLOT_W / points.length;
  const barW = Math.max(2, Math.min(40, slot * 0.7));
  const summary = `Median ${formatDuration(stats.median)}, worst ${formatDuration(stats.worst.seconds)} (${stats.worst.title}), over ${stats.count} contained incident${stats.count === 1 ? "" : "s"}.`;
  return (
    <figure className="space-y-1">
      <svg
        role="img"
        aria-labelledby="ttc-chart-title"
        aria-describedby="ttc-chart-desc"
        viewBox={`0 0 ${W} ${H}`}
        className="h-auto w-full max-w-3xl rounded-md border border-slate-200 bg-white"
      >
        <title id="ttc-chart-title">Time to contain per incident, oldest first</title>
        <desc id="ttc-chart-desc">{`${summary} Every value is in the table "Time to contain per incident".`}</desc>
        {[0, max / 2, max].map((t) => (
          <g key={t}>
            <line x1={PAD.left} x2={W - PAD.right} y1={y(t)} y2={y(t)} stroke="#e2e8f0" />
            <text x={PAD.left - 6} y={y(t) + 4} textAnchor="end" fontSize="11" fill="#334155">
              {formatDuration(Math.round(t))}
            </text>
          </g>
        ))}
        {points.map((p, i) => {
          const worst = p.id === stats.worst!.id;
          const top = y(p.seconds);
          return (
            <rect
              key={p.id}
              x={PAD.left + i * slot + (slot - barW) / 2}
              y={top}
              width={barW}
              height={Math.max(1, PAD.top + PLOT_H - top)}
              fill={worst ? "#b91c1c" : "#475569"}
              data-incident={p.id}
            >
              <title>{`${p.title}: ${formatDuration(p.seconds)}${worst ? " (worst)" : ""}`}</title>
            </rect>
          );
        })}
        <line x1={PAD.left} x2={W - PAD.right} y1={y(stats.median)} y2={y(stats.median)} stroke="#0369a1" strokeWidth="2" strokeDasharray="6 4" />
        <text x={W - PAD.right} y={y(stats.median) - 4} textAnchor="end" fontSize="11" fill="#0369a1">
          median {formatDuration(stats.median)}
        </text>
        <text x={PAD.left + PLOT_W / 2} y={H - 8} textAnchor="middle" fontSize="11" fill="#334155">
          incidents, oldest first (red: the worst)
        </text>
      </svg>
      <figcaption className="text-sm text-slate-700">{summary}</figcaption>
    </figure>
  );
}
