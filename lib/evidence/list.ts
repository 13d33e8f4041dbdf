import "server-only";
import { toEntry } from "@/lib/audit/append";
import { requireIncident } from "@/lib/containment/incidents";
import { listRuns, parseRecord } from "@/lib/containment/runs";
import { HttpError } from "@/lib/http/errors";
import { getDb, type Db } from "@/lib/store";
import { type EvidenceArtifactRow } from "./db";
import { EvidenceTamperedError } from "./errors";
import { EVIDENCE_STORED, sha256Hex } from "./sink";
import { evidenceStore } from "./store";
import type { EvidenceArtifact, EvidenceList, EvidenceSnapshot, EvidenceStore } from "./types";

const SNAPSHOT_STEP = "snapshot-node-disk";

function toArtifact(r: EvidenceArtifactRow, entryId?: number): EvidenceArtifact {
  return {
    id: r.id,
    incidentId: r.incident_id,
    stepId: r.step_id,
    runId: r.run_id,
    name: r.name,
    contentType: r.content_type,
    sha256: r.sha256,
    size: r.size,
    source: r.source,
    collectedAt: r.collected_at,
    storedAt: r.stored_at,
    storedBy: r.stored_by,
    storage: r.storage === "gcs" ? "gcs" : "fs",
    ...(entryId !== undefined ? { entryId } : {}),
  };
}

async function artifactEntries(db: Db, incidentId: string): Promise<Map<string, number>> {
  const rows = await db.selectFrom("timeline").selectAll().where("incident_id", "=", incidentId).where("kind", "=", EVIDENCE_STORED).execute();
  const out = new Map<string, number>();
  for (const e of rows.map(toEntry)) if (typeof e.details.artifactId === "string") out.set(e.details.artifactId, e.id);
  return out;
}

/** Snapshots snapshot-node-disk recorded (name and source disk), from its runs' records. */
async function listSnapshots(db: Db, incidentId: string): Promise<EvidenceSnapshot[]> {
  const runs = await listRuns(db, incidentId);
  const out: EvidenceSnapshot[] = [];
  const seen = new Set<string>();
  for (const r of runs) {
    if (r.step_id !== SNAPSHOT_STEP || r.operation !== "execute" || (r.status !== "succeeded" && r.status !== "noop")) continue;
    const rec = parseRecord(r);
    if (typeof rec?.snapshot !== "string" || seen.has(rec.snapshot)) continue;
    seen.add(rec.snapshot);
    const text = (k: string) => (typeof rec[k] === "string" ? (rec[k] as string) : null);
    out.push({
      stepId: r.step_id,
      runId: r.id,
      snapshot: rec.snapshot,
      sourceDisk: text("sourceDisk") ?? text("disk") ?? "",
      disk: text("disk"),
      zone: text("zone"),
      project: text("project"),
      status: text("status"),
      takenAt: r.finished_at ?? r.started_at,
      takenBy: r.actor,
    });
  }
  return out;
}

/** Stored artifacts (oldest first) with the entry that recorded each, and the disk snapshots. */
export async function listEvidence(incidentId: string): Promise<EvidenceList> {
  await requireIncident(incidentId);
  const db = await getDb();
  const [rows, entries, snapshots] = await Promise.all([
    db.selectFrom("evidence_artifacts").selectAll().where("incident_id", "=", incidentId).orderBy("stored_at", "asc").orderBy("name", "asc").execute(),
    artifactEntries(db, incidentId),
    listSnapshots(db, incidentId),
  ]);
  return { artifacts: rows.map((r) => toArtifact(r, entries.get(r.id))), snapshots };
}

/**
 * One artifact's bytes for download. The body is hashed again on the way out: a file changed
 * in the store since it was collected is refused (409) rather than served as evidence.
 */
export async function readArtifact(
  incidentId: string,
  artifactId: string,
  store: EvidenceStore = evidenceStore(),
): Promise<{ artifact: EvidenceArtifact; body: Buffer }> {
  await requireIncident(incidentId);
  const db = await getDb();
  const row = await db.selectFrom("evidence_artifacts").selectAll().where("incident_id", "=", incidentId).where("id", "=", artifactId).executeTakeFirst();
  if (!row) throw new HttpError(404, `No artifact ${artifactId} in incident ${incidentId}`);
  const tampered = () =>
    new HttpError(409, `The stored body of ${row.name} no longer matches its SHA-256; it was changed after collection`, { reason: "evidence-tampered" });
  let body: Buffer | null;
  try {
    body = await store.get(row.storage_key);
  } catch (err) {
    if (err instanceof EvidenceTamperedError) throw tampered();
    throw err;
  }
  if (!body) throw new HttpError(410, `The stored body of ${row.name} is missing from the evidence store`, { reason: "evidence-missing" });
  if (sha256Hex(body) !== row.sha256) throw tampered();
  return { artifact: toArtifact(row), body };
}
