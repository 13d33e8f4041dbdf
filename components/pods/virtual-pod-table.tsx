"use client";

import Link from "next/link";
import { useRef } from "react";
import { useVirtualizer } from "@tanstack/react-virtual";
import { Badge } from "@/components/clusters/badge";
import { age, nodeHref, podHref } from "@/components/clusters/format";
import type { PodRow } from "@/lib/clusters/types";

/** Words, not colour alone: what makes this pod one to look at first. */
function SuspicionMarkers({ row }: { row: PodRow }) {
  const s = row.suspicion;
  if (!s) return null;
  const total = s.securityEvents.reduce((n, e) => n + e.count, 0);
  return (
    <>
      {total > 0 && (
        <span className="ml-2">
          <Badge tone="red" title={s.securityEvents.map((e) => `${e.reason} ×${e.count}`).join(", ")}>
            <span aria-hidden="true">⚠ </span>
            {`${total} security event${total === 1 ? "" : "s"}`}
            {/* The row keeps one line for the virtualizer; the reasons are in the tooltip and read aloud. */}
            <span className="sr-only">{`: ${s.securityEvents.map((e) => e.reason).join(", ")}`}</span>
          </Badge>
        </span>
      )}
      {s.openIncident && (
        <Link href={`/incidents/${encodeURIComponent(s.openIncident.id)}`} className="ml-2 text-xs font-medium" title={s.openIncident.title}>
          open incident
        </Link>
      )}
    </>
  );
}

const ROW_HEIGHT = 41;
const COLUMNS = ["Name", "Namespace", "Phase", "Ready", "Restarts", "Owner", "Node", "Pod IP", "Age"];

/**
 * Pods in a real <table> (headers, rows, cells for assistive technology and Playwright roles),
 * but only the rows in view are in the DOM: spacer rows stand in for the rest, so tens of
 * thousands of loaded rows scroll as smoothly as fifty.
 */
export function VirtualPodTable({ cluster, rows }: { cluster: string; rows: PodRow[] }) {
  const scrollRef = useRef<HTMLDivElement>(null);
  // eslint-disable-next-line react-hooks/incompatible-library -- the virtualizer is a mutable instance by design
  const v = useVirtualizer({ count: rows.length, getScrollElement: () => scrollRef.current, estimateSize: () => ROW_HEIGHT, overscan: 12 });
  const items = v.getVirtualItems();
  const top = items.length ? items[0].start : 0;
  const bottom = items.length ? v.getTotalSize() - items[items.length - 1].end : 0;
  const now = Date.now();
  return (
    <div
      ref={scrollRef}
      className="max-h-[70vh] overflow-auto rounded-lg border border-slate-200 bg-white"
      role="region"
      tabIndex={0}
      aria-label="Pods list, scrollable"
    >
      <table className="min-w-full text-sm" aria-rowcount={rows.length + 1}>
        <caption className="sr-only">Pods</caption>
        <thead className="sticky top-0 z-10 bg-slate-100 text-left text-xs uppercase tracking-wide text-slate-600">
          <tr aria-rowindex={1}>
            {COLUMNS.map((c) => (
              <th key={c} scope="col" className="px-3 py-2 font-semibold">
                {c}
              </th>
            ))}
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {top > 0 && (
            <tr aria-hidden="true">
              <td colSpan={COLUMNS.length} style={{ height: top, padding: 0 }} />
            </tr>
          )}
          {items.map((vi) => {
            const p = rows[vi.index];
            return (
              <tr key={`${p.namespace}/${p.name}`} aria-rowindex={vi.index + 2} style={{ height: ROW_HEIGHT }}>
                <td className="whitespace-nowrap px-3 py-2">
                  <Link href={podHref(cluster, p.namespace, p.name)} className="font-medium">
                    {p.name}
                  </Link>
                  <SuspicionMarkers row={p} />
                  {p.quarantined && (
                    <span className="ml-2">
                      <Badge tone="red" title="label quarantine=true">
                        quarantine
                      </Badge>
                    </span>
                  )}
                </td>
                <td className="px-3 py-2">{p.namespace}</td>
                <td className="px-3 py-2">{p.phase}</td>
                <td className="px-3 py-2">{p.ready}</td>
                <td className="px-3 py-2">{p.restarts}</td>
                <td className="whitespace-nowrap px-3 py-2">{p.owner ? `${p.owner.kind}/${p.owner.name}` : "—"}</td>
                <td className="whitespace-nowrap px-3 py-2">{p.node ? <Link href={nodeHref(cluster, p.node)}>{p.node}</Link> : "—"}</td>
                <td className="px-3 py-2">{p.podIP ?? "—"}</td>
                <td className="px-3 py-2">{age(p.createdAt, now)}</td>
              </tr>
            );
          })}
          {bottom > 0 && (
            <tr aria-hidden="true">
              <td colSpan={COLUMNS.length} style={{ height: bottom, padding: 0 }} />
            </tr>
          )}
          {rows.length === 0 && (
            <tr>
              <td colSpan={COLUMNS.length} className="px-3 py-6 text-center text-slate-500">
                No pods match these filters.
              </td>
            </tr>
          )}
        </tbody>
      </table>
    </div>
  );
}
