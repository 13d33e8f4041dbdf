import { EmptyRow, Table, TBody, Td, Th, THead } from "@/components/ui/table";
import type { EvidenceList } from "@/lib/evidence/types";

const enc = encodeURIComponent;

/** Stored artifacts with their SHA-256 and a download each; disk snapshots with their source disk. */
export function EvidenceListView({ incidentId, evidence }: { incidentId: string; evidence: EvidenceList }) {
  return (
    <div className="space-y-3">
      <Table caption="Evidence artifacts" captionVisible>
        <THead>
          <tr>
            <Th>Artifact</Th>
            <Th>SHA-256</Th>
            <Th>Bytes</Th>
            <Th>Source request</Th>
            <Th>Collected</Th>
          </tr>
        </THead>
        <TBody>
          {evidence.artifacts.length === 0 && <EmptyRow colSpan={5}>No artifacts stored yet: run “Collect evidence”.</EmptyRow>}
          {evidence.artifacts.map((a) => (
            <tr key={a.id}>
              <Td>
                <a href={`/api/v1/incidents/${enc(incidentId)}/evidence/${enc(a.id)}`} download={a.name} aria-label={`Download ${a.name}`}>
                  {a.name}
                </a>
              </Td>
              <Td className="break-all font-mono text-xs">{a.sha256}</Td>
              <Td className="text-right">{a.size}</Td>
              <Td className="break-all font-mono text-xs">{a.source}</Td>
              <Td className="whitespace-nowrap font-mono text-xs">{a.collectedAt.replace("T", " ").slice(0, 19)}</Td>
            </tr>
          ))}
        </TBody>
      </Table>
      {evidence.snapshots.length > 0 && (
        <Table caption="Disk snapshots" captionVisible>
          <THead>
            <tr>
              <Th>Snapshot</Th>
              <Th>Source disk</Th>
              <Th>Status</Th>
              <Th>Taken</Th>
            </tr>
          </THead>
          <TBody>
            {evidence.snapshots.map((s) => (
              <tr key={s.snapshot}>
                <Td className="font-mono text-xs">{s.snapshot}</Td>
                <Td className="break-all font-mono text-xs">{s.sourceDisk}</Td>
                <Td>{s.status ?? ""}</Td>
                <Td className="whitespace-nowrap font-mono text-xs">{s.takenAt.replace("T", " ").slice(0, 19)}</Td>
              </tr>
            ))}
          </TBody>
        </Table>
      )}
    </div>
  );
}
