"use client";

import { useQuery } from "@tanstack/react-query";
import {
  formatDuration,
  formatTime,
  type BoardLink,
  type BoardRow,
  type ContainmentBoard,
  type LayerState,
  type TimeToContain,
} from "@/lib/containment/board-types";
import { incidentQueries } from "./queries";

// Slower than the timeline: each poll reads every layer live from the cluster and Google Cloud.
const POLL_MS = 5000;

const LABEL: Record<LayerState, string> = {
  "not-started": "not started",
  "in-effect": "in effect",
  unproven: "in place, unproven",
  "pending-propagation": "pending propagation",
  "not-contained": "NOT CONTAINED",
  released: "released",
};

// Green only for a proven effect, amber for one in place but not yet proven, red for a step whose
// effect is not there: the text says the same.
const TONE: Record<LayerState, string> = {
  "not-started": "bg-slate-100 text-slate-800 border-slate-300",
  "in-effect": "bg-emerald-100 text-emerald-900 border-emerald-600",
  unproven: "bg-amber-100 text-amber-900 border-amber-500",
  "pending-propagation": "bg-amber-100 text-amber-900 border-amber-500",
  "not-contained": "bg-red-100 text-red-900 border-red-600",
  released: "bg-slate-100 text-slate-800 border-slate-300",
};

const ICON: Record<LayerState, string> = {
  "not-started": "○",
  "in-effect": "✓",
  unproven: "?",
  "pending-propagation": "…",
  "not-contained": "✗",
  released: "↺",
};

function StateBadge({ state }: { state: LayerState }) {
  return (
    <span className={`inline-flex items-center gap-1 whitespace-nowrap rounded border px-1.5 py-0.5 text-xs font-semibold ${TONE[state]}`}>
      <span aria-hidden="true">{ICON[state]}</span>
      {LABEL[state]}
    </span>
  );
}

function Evidence({ links }: { links: BoardLink[] }) {
  if (!links.length) return <span className="text-slate-500">none</span>;
  return (
    <ul className="space-y-0.5">
      {links.map((l, i) => (
        <li key={`${l.kind}-${i}`} className="break-words">
          <span className="text-slate-500">{l.kind}: </span>
          {l.href ? <a href={l.href}>{l.label}</a> : l.label}
        </li>
      ))}
    </ul>
  );
}

function Clock({ clock, checkedAt }: { clock: TimeToContain; checkedAt: string }) {
  const from = clock.openedFrom === "alert" ? "the alert" : "incident open";
  if (clock.seconds !== null && clock.containedAt) {
    return (
      <p>
        <span className="font-semibold">Time to contain: {formatDuration(clock.seconds)}</span>{" "}
        <span className="text-slate-600">
          (from {from} at {formatTime(clock.openedAt)} to the first verified isolation at {formatTime(clock.containedAt)}
          {clock.containedBy ? `, ${clock.containedBy}` : ""})
        </span>
      </p>
    );
  }
  const open = Math.max(0, Math.round((Date.parse(checkedAt) - Date.parse(clock.openedAt)) / 1000));
  return (
    <p>
      <span className="font-semibold">Time to contain: not yet contained</span>{" "}
      <span className="text-slate-600">
        ({formatDuration(open)} since {from} at {formatTime(clock.openedAt)}; no pod-network or node-network layer verified in effect)
      </span>
    </p>
  );
}

function Row({ row }: { row: BoardRow }) {
  return (
    <tr className="border-t border-slate-200 align-top" data-layer={row.layer} data-state={row.state}>
      <th scope="row" className="py-2 pr-3 text-left font-medium">
        {row.title}
      </th>
      <td className="py-2 pr-3">
        <StateBadge state={row.state} />
      </td>
      <td className="break-words py-2 pr-3">{row.why}</td>
      <td className="py-2 text-xs">
        <Evidence links={row.evidence} />
      </td>
    </tr>
  );
}

/** The containment board: each layer's state from live reads, polled so out-of-band changes show up. */
export function ContainmentBoardPanel({ incidentId, initial }: { incidentId: string; initial: ContainmentBoard }) {
  // The server just read the board live: it is fresh until the next poll, not refetched on mount.
  const q = useQuery({
    ...incidentQueries.containment(incidentId),
    initialData: initial,
    initialDataUpdatedAt: Date.parse(initial.checkedAt),
    refetchInterval: POLL_MS,
    staleTime: POLL_MS,
  });
  // A step run re-renders the page with a fresh board before the next poll: show the newer read.
  const board = q.data && q.data.checkedAt >= initial.checkedAt ? q.data : initial;
  const notContained = board.rows.filter((r) => r.state === "not-contained");
  const unproven = board.rows.filter((r) => r.state === "unproven");
  return (
    <section aria-labelledby="containment-heading" className="space-y-3 rounded-lg border border-slate-200 bg-white p-4 shadow-sm">
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <h2 id="containment-heading" className="text-lg font-semibold">
          Containment board
        </h2>
        <p className="text-xs text-slate-600">Read live at {formatTime(board.checkedAt)}</p>
      </div>
      <div className="text-sm" role="status" aria-live="polite" aria-label="Time to contain">
        <Clock clock={board.timeToContain} checkedAt={board.checkedAt} />
      </div>
      {notContained.length > 0 && (
        <p className="text-sm font-semibold text-red-800">
          <span aria-hidden="true">✗ </span>Not contained: {notContained.map((r) => r.title).join(", ")}.
        </p>
      )}
      {unproven.length > 0 && (
        <p className="text-sm font-semibold text-amber-800">
          <span aria-hidden="true">? </span>In place but not proven: {unproven.map((r) => r.title).join(", ")}. Run attest-isolation to prove it.
        </p>
      )}
      {q.isError && <p className="text-sm text-amber-800">The board could not be refreshed: {q.error.message}</p>}
      <table className="w-full table-fixed text-sm">
        <caption className="sr-only">Containment state per layer, from live reads</caption>
        <colgroup>
          <col className="w-[22%]" />
          <col className="w-[16%]" />
          <col className="w-[37%]" />
          <col className="w-[25%]" />
        </colgroup>
        <thead>
          <tr className="text-left text-xs uppercase tracking-wide text-slate-500">
            <th scope="col" className="pb-1 pr-3">
              Layer
            </th>
            <th scope="col" className="pb-1 pr-3">
              State
            </th>
            <th scope="col" className="pb-1 pr-3">
              Why
            </th>
            <th scope="col" className="pb-1">
              Evidence
            </th>
          </tr>
        </thead>
        <tbody>
          {board.rows.map((r) => (
            <Row key={r.layer} row={r} />
          ))}
        </tbody>
      </table>
    </section>
  );
}
