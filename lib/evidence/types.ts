import type { Readable } from "node:stream";
// The artifact store interface and the evidence rows as every door shows them (plain data).

/** Where artifact bodies live. Keys are `<incident>/<sha256>-<name>`: content-addressed per incident. */
export interface EvidenceStore {
  /** "fs" or "gcs": recorded with each artifact so a later change of store still finds old ones. */
  readonly kind: "fs" | "gcs";
  /**
   * Writes a body once; writing the same key again with the same bytes is a no-op, with other
   * bytes an error. `facts` are kept with the body where the store can (object metadata).
   */
  put(key: string, body: Buffer, contentType: string, facts?: ArtifactFacts): Promise<void>;
  /** The stored bytes, or null when the key is missing. May throw EvidenceTamperedError. */
  get(key: string): Promise<Buffer | null>;
  /** Keys under one top-level folder (`<folder>/…`), in no particular order. */
  list(folder: string): Promise<string[]>;
  /**
   * Streams a body in (a file copied out of a container: never held in memory whole), hashing it
   * as it passes, and files it under `<incident>/<sha256>-<name>` once the hash is known. A body
   * already stored under that key is kept. An error from the stream leaves nothing behind.
   */
  putStream(incidentId: string, name: string, body: Readable, contentType: string, facts?: ArtifactFacts): Promise<StoredBody>;
  /**
   * A stored body as a stream (never read whole), or null when the key is missing. Not checked
   * against its hash: `verify` does that, and a download checks the bytes as they go out.
   */
  open(key: string): Promise<Readable | null>;
  /** Reads a stored body back as a stream and hashes it: null when missing; EvidenceTamperedError when it no longer matches its key. */
  verify(key: string): Promise<StoredBody | null>;
}

export type StoredBody = { key: string; sha256: string; size: number };

/** What a store may keep beside an artifact's bytes. */
export type ArtifactFacts = { incidentId?: string; source?: string };

export type EvidenceArtifact = {
  id: string;
  incidentId: string;
  stepId: string;
  runId: string | null;
  name: string;
  contentType: string;
  sha256: string;
  size: number;
  /** The API request the artifact was read from. */
  source: string;
  collectedAt: string;
  storedAt: string;
  storedBy: string;
  storage: "fs" | "gcs";
  /** The timeline entry that recorded it. */
  entryId?: number;
};

/** A disk snapshot taken by snapshot-node-disk: it lives in Google Cloud, so it is listed, not downloaded. */
export type EvidenceSnapshot = {
  stepId: string;
  runId: string;
  snapshot: string;
  sourceDisk: string;
  disk: string | null;
  zone: string | null;
  project: string | null;
  status: string | null;
  takenAt: string;
  takenBy: string;
};

export type EvidenceList = { artifacts: EvidenceArtifact[]; snapshots: EvidenceSnapshot[] };
