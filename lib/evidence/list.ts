import "server-only";
import type { Readable } from "node:stream";
import { buffer } from "node:stream/consumers";
import { pipeline } from "node:stream/promises";
import { toEntry } from "@/lib/audit/append";
import { requireIncident } from "@/lib/containment/incidents";
import { listRuns, parseRecord } from "@/lib/containment/runs";
import { HttpError } from "@/lib/http/errors";
import { getDb, type Db } from "@/lib/store";
import { type EvidenceArtifactRow } from "./db";
import { EvidenceTamperedError } from "./errors";
import { EVIDENCE_STORED } from "./sink";
import { evidenceStore } from "./store";
import { checkedTap } from "./stream-hash";
import type { EvidenceArtifact, EvidenceList, EvidenceSnapshot, EvidenceStore, StoredBody } from "./types";

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

const tampered = (name: string) =>
  new HttpError(409, `The stored body of ${name} no longer matches its SHA-256; it was changed after collection`, { reason: "evidence-tampered" });
const missing = (name: string) => new HttpError(410, `The stored body of ${name} is missing from the evidence store`, { reason: "evidence-missing" });

/**
 * One artifact for download, as a stream: never held in memory whole (acquire-files stores files
 * of up to 1 GiB). The stored body is first read through and hashed (`verify`): one changed in the
 * store since it was collected is refused (409) and a missing one answered 410 before anything is
 * sent. The body then goes out through a tap that hashes it again and holds its last chunk back
 * until the hash is known, so a body changed between the two reads ends in an error, one chunk
 * short, rather than arriving whole.
 */
export async function openArtifact(
  incidentId: string,
  artifactId: string,
  store: EvidenceStore = evidenceStore(),
): Promise<{ artifact: EvidenceArtifact; body: Readable }> {
  await requireIncident(incidentId);
  const db = await getDb();
  const row = await db.selectFrom("evidence_artifacts").selectAll().where("incident_id", "=", incidentId).where("id", "=", artifactId).executeTakeFirst();
  if (!row) throw new HttpError(404, `No artifact ${artifactId} in incident ${incidentId}`);
  let checked: StoredBody | null;
  try {
    checked = await store.verify(row.storage_key);
  } catch (err) {
    if (err instanceof EvidenceTamperedError) throw tampered(row.name);
    throw err;
  }
  if (!checked) throw missing(row.name);
  if (checked.sha256 !== row.sha256) throw tampered(row.name);
  const body = await store.open(row.storage_key);
  if (!body) throw missing(row.name);
  const out = checkedTap(row.storage_key, row.sha256);
  // The tap's error (a changed body) or the store's ends the stream the reader holds.
  pipeline(body, out).catch(() => undefined);
  return { artifact: toArtifact(row), body: out };
}

/**
 * One artifact's bytes, whole, with openArtifact's checks and answers (404, 409, 410): for small
 * bodies and tests only; the download door streams with openArtifact.
 */
export async function readArtifact(
  incidentId: string,
  artifactId: string,
  store: EvidenceStore = evidenceStore(),
): Promise<{ artifact: EvidenceArtifact; body: Buffer }> {
  const { artifact, body } = await openArtifact(incidentId, artifactId, store);
  try {
    return { artifact, body: await buffer(body) };
  } catch (err) {
    if (err instanceof EvidenceTamperedError) throw tampered(artifact.name);
    throw err;
  }
}
