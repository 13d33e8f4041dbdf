"use client";

import { useQuery } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useEffect } from "react";
import { EmptyRow, Table, TBody, Td, Th, THead } from "@/components/ui/table";
import type { ProgressLine } from "@/lib/containment/runs";
import { incidentQueries } from "./queries";

type PodState = { pod: string; state: string; reason: string; at: string };

/** Latest state per pod, in the order the drain first reported them. */
export function perPod(lines: ProgressLine[]): PodState[] {
  const byPod = new Map<string, PodState>();
  for (const l of lines) {
    const pod = typeof l.detail.pod === "string" ? l.detail.pod : null;
    if (!pod) continue;
    byPod.set(pod, {
      pod,
      state: typeof l.detail.state === "string" ? l.detail.state : "",
      reason: typeof l.detail.reason === "string" ? l.detail.reason : "",
      at: l.at,
    });
  }
  return [...byPod.values()];
}

/** The drain's latest step-wide line (what it waits for once every pod is evicted, and until when), if any. */
export function currentPhase(lines: ProgressLine[]): string | null {
  return lines.findLast((l) => typeof l.detail.phase === "string")?.message ?? null;
}

/**
 * Live per-pod progress of the drain, read from the server (so leaving and coming back shows
 * the same thing). Polls while the step runs, here or in another tab; when a run this page
 * only learnt about from the server ends, the page is refreshed to show its result.
 */
export function DrainProgress({
  incidentId,
  stepId,
  running,
  serverRunning,
}: {
  incidentId: string;
  stepId: string;
  running: boolean;
  serverRunning: boolean;
}) {
  const router = useRouter();
  const q = useQuery({ ...incidentQueries.progress(incidentId, stepId), refetchInterval: running ? 1000 : false, staleTime: 0 });
  const runStatus = q.data?.run?.status;
  useEffect(() => {
    if (serverRunning && runStatus && runStatus !== "running") router.refresh();
  }, [serverRunning, runStatus, router]);

  const pods = perPod(q.data?.lines ?? []);
  const phase = runStatus === "running" ? currentPhase(q.data?.lines ?? []) : null;
  if (!running && pods.length === 0) return null;
  return (
    <div className="space-y-1">
      {phase && (
        <p role="status" aria-label="Drain: what it waits for" className="rounded-md border border-sky-300 bg-sky-50 px-3 py-2 text-sm text-sky-950">
          {phase}
        </p>
      )}
      <Table caption="Drain progress per pod" captionVisible>
        <THead>
          <tr>
            <Th>Pod</Th>
            <Th>State</Th>
            <Th>Why</Th>
          </tr>
        </THead>
        <TBody>
          {pods.length === 0 && <EmptyRow colSpan={3}>Waiting for the first pod…</EmptyRow>}
          {pods.map((p) => (
            <tr key={p.pod}>
              <Td className="font-mono text-xs">{p.pod}</Td>
              <Td>{p.state}</Td>
              <Td className="text-xs">{p.reason}</Td>
            </tr>
          ))}
        </TBody>
      </Table>
      {q.isError && <p className="text-sm text-amber-800">Progress could not be read: {q.error.message}</p>}
    </div>
  );
}
