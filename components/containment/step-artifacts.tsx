"use client";

import { useQuery } from "@tanstack/react-query";
import { EmptyRow, Table, TBody, Td, Th, THead } from "@/components/ui/table";
import { incidentQueries } from "./queries";

const enc = encodeURIComponent;

/**
 * What a live-response step stored: its last run's finding, then each artifact it put in the
 * evidence store with size, SHA-256 and a download. Read from the evidence door, so it shows
 * what the store holds, not what the page remembers.
 */
export function StepArtifacts({
  incidentId,
  stepId,
  label,
  message,
  ranAt,
}: {
  incidentId: string;
  stepId: string;
  label: string;
  message: string | null;
  ranAt: string | null;
}) {
  const q = useQuery({ ...incidentQueries.evidence(incidentId), staleTime: 0 });
  const artifacts = (q.data?.artifacts ?? []).filter((a) => a.stepId === stepId);
  return (
    <div className="space-y-2">
      {message && (
        <p className="rounded-md border border-slate-300 bg-slate-50 px-3 py-2 text-sm">
          <strong>{label}</strong>
          {ranAt ? ` (${ranAt})` : ""}: {message}
        </p>
      )}
      <Table caption={`${label}: stored artifacts`} captionVisible>
        <THead>
          <tr>
            <Th>Artifact</Th>
            <Th>Bytes</Th>
            <Th>SHA-256</Th>
          </tr>
        </THead>
        <TBody>
          {artifacts.length === 0 && <EmptyRow colSpan={3}>{q.isPending ? "Reading the evidence store…" : "Nothing stored by this step yet."}</EmptyRow>}
          {artifacts.map((a) => (
            <tr key={a.id}>
              <Td className="break-all">
                <a href={`/api/v1/incidents/${enc(incidentId)}/evidence/${enc(a.id)}`} download={a.name} aria-label={`Download ${a.name}`}>
                  {a.name}
                </a>
              </Td>
              <Td className="text-right">{a.size}</Td>
              <Td className="break-all font-mono text-xs">{a.sha256}</Td>
            </tr>
          ))}
        </TBody>
      </Table>
      {q.isError && <p className="text-sm text-amber-800">The evidence store could not be read: {q.error.message}</p>}
    </div>
  );
}
