import "server-only";
import { createHash, randomUUID } from "node:crypto";
import type { Readable } from "node:stream";
import { appendEntry } from "@/lib/audit/append";
import type { Artifact, ArtifactSink } from "@/lib/containment/steps/support/artifacts";
import type { Db } from "@/lib/store";
import { isUniqueViolation } from "@/lib/store";
import type { EvidenceArtifactRow } from "./db";
import { evidenceStore } from "./store";
import type { EvidenceStore, StoredBody } from "./types";

/** Timeline kind written once per stored artifact. */
export const EVIDENCE_STORED = "evidence-stored";

export type SinkOptions = {
  db: Db;
  incidentId: string;
  stepId: string;
  runId: string | null;
  actor: string;
  role: string | null;
  /** Timeline targets of the incident, as the executor writes them. */
  targets?: unknown[];
  store?: EvidenceStore;
};

export function sha256Hex(body: Buffer): string {
  return createHash("sha256").update(body).digest("hex");
}

/** A file name safe as one path segment and one object name, still recognisable. */
export function safeName(name: string): string {
  const s = name
    .replace(/[^A-Za-z0-9._-]+/g, "-")
    .replace(/^[.-]+/, "")
    .slice(0, 180);
  return s || "artifact";
}

class EvidenceMismatchError extends Error {
  constructor(readonly artifact: string) {
    super(`artifact ${artifact} does not match the hash it was collected with`);
    this.name = "EvidenceMismatchError";
  }
}

/**
 * Stores one artifact: recomputes its SHA-256 and size from the bytes (refusing a body that does
 * not match what the step hashed as it read it), writes it to the artifact store, reads it back
 * and hashes again, then records the row and an `evidence-stored` timeline entry. A retried step
 * storing the same artifact in the same run gets the existing row, and no second entry.
 */
export async function storeArtifact(opts: SinkOptions, a: Artifact): Promise<EvidenceArtifactRow> {
  const store = opts.store ?? evidenceStore();
  const body = Buffer.from(a.body, "utf8");
  const sha256 = sha256Hex(body);
  if (sha256 !== a.sha256 || body.length !== a.size) throw new EvidenceMismatchError(a.name);

  const existing = await findStored(opts, a.name, sha256);
  if (existing) return existing;

  const key = `${opts.incidentId}/${sha256}-${safeName(a.name)}`;
  await store.put(key, body, a.contentType, { incidentId: opts.incidentId, source: a.source });
  const readBack = await store.get(key);
  if (!readBack || sha256Hex(readBack) !== sha256) throw new EvidenceMismatchError(a.name);
  return recordStored(opts, store, a, { key, sha256, size: body.length });
}

/** What a streamed artifact is, before its bytes (and so its hash) are known. */
export type StreamedArtifact = Pick<Artifact, "name" | "contentType" | "source" | "at">;

/**
 * Stores an artifact streamed from its source (a file copied out of a container): the store
 * hashes it as it passes, the stored body is streamed back and hashed again, then the row and
 * the `evidence-stored` entry are written as for any artifact. Never holds the body whole.
 */
export async function storeStream(opts: SinkOptions, a: StreamedArtifact, body: Readable): Promise<EvidenceArtifactRow> {
  const store = opts.store ?? evidenceStore();
  const stored = await store.putStream(opts.incidentId, safeName(a.name), body, a.contentType, { incidentId: opts.incidentId, source: a.source });
  const readBack = await store.verify(stored.key);
  if (!readBack || readBack.sha256 !== stored.sha256 || readBack.size !== stored.size) throw new EvidenceMismatchError(a.name);
  const existing = await findStored(opts, a.name, stored.sha256);
  if (existing) return existing;
  return recordStored(opts, store, a, stored);
}

async function recordStored(opts: SinkOptions, store: EvidenceStore, a: StreamedArtifact, stored: StoredBody): Promise<EvidenceArtifactRow> {
  const edb = opts.db;
  const { key, sha256 } = stored;
  const row: EvidenceArtifactRow = {
    id: randomUUID(),
    incident_id: opts.incidentId,
    step_id: opts.stepId,
    run_id: opts.runId,
    name: a.name,
    content_type: a.contentType,
    sha256,
    size: stored.size,
    source: a.source,
    collected_at: a.at,
    stored_at: new Date().toISOString(),
    stored_by: opts.actor,
    storage: store.kind,
    storage_key: key,
  };
  try {
    await edb.insertInto("evidence_artifacts").values(row).execute();
  } catch (err) {
    if (isUniqueViolation(err)) {
      const raced = await findStored(opts, a.name, sha256);
      if (raced) return raced;
    }
    throw err;
  }
  await appendEntry(opts.db, {
    actor: opts.actor,
    role: opts.role,
    incidentId: opts.incidentId,
    stepId: opts.stepId,
    kind: EVIDENCE_STORED,
    targets: opts.targets ?? [],
    details: {
      artifactId: row.id,
      runId: opts.runId,
      name: row.name,
      contentType: row.content_type,
      sha256,
      size: row.size,
      source: row.source,
      collectedAt: row.collected_at,
      storage: row.storage,
    },
  });
  return row;
}

async function findStored(opts: SinkOptions, name: string, sha256: string): Promise<EvidenceArtifactRow | undefined> {
  let q = opts.db.selectFrom("evidence_artifacts").selectAll().where("incident_id", "=", opts.incidentId).where("name", "=", name).where("sha256", "=", sha256);
  q = opts.runId === null ? q.where("run_id", "is", null) : q.where("run_id", "=", opts.runId);
  return q.executeTakeFirst();
}

/** The sink the executor hands collect-evidence: every artifact it collects is stored as it is read. */
export function evidenceSink(opts: SinkOptions): ArtifactSink {
  return {
    async put(a) {
      await storeArtifact(opts, a);
    },
    async putStream(a, body) {
      const row = await storeStream(opts, a, body);
      return { sha256: row.sha256, size: row.size };
    },
  };
}
