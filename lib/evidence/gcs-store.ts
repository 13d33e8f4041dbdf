import "server-only";
import { createHash, randomUUID } from "node:crypto";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { Bucket } from "@google-cloud/storage";
import { EvidenceTamperedError, storageFailure, storageStatus } from "./errors";
import { checkStream, hashingTap, KEY } from "./stream-hash";
import type { ArtifactFacts, EvidenceStore, StoredBody } from "./types";

const SAFE_SEGMENT = /^[A-Za-z0-9][A-Za-z0-9._-]{0,254}$/;

const sha256Hex = (body: Buffer) => createHash("sha256").update(body).digest("hex");

/**
 * Artifacts as Cloud Storage objects `<prefix>/<incident>/<sha256>-<name>`. Each is created with
 * `ifGenerationMatch: 0`, so an object is written once and never replaced: a second write of
 * the same key is refused by Cloud Storage (412) and accepted here only when the stored bytes
 * are the same. The library validates the transfer (CRC32C) both ways; the object's custom
 * metadata carries the SHA-256 and the source request, and reads hash the bytes again.
 */
export class GcsEvidenceStore implements EvidenceStore {
  readonly kind = "gcs" as const;
  private readonly prefix: string;

  constructor(
    private readonly bucket: Bucket,
    prefix = "",
  ) {
    this.prefix = prefix.replace(/^\/+|\/+$/g, "");
  }

  /** The object name of a key; keys come from our own code, but refuse anything unexpected. */
  objectName(key: string): string {
    const parts = key.split("/");
    if (parts.length !== 2 || !parts.every((p) => SAFE_SEGMENT.test(p)) || !KEY.test(key)) throw new Error("invalid evidence key");
    return this.prefix ? `${this.prefix}/${key}` : key;
  }

  async put(key: string, body: Buffer, contentType: string, facts?: ArtifactFacts): Promise<void> {
    const file = this.bucket.file(this.objectName(key));
    const sha256 = sha256Hex(body);
    try {
      await file.save(body, {
        resumable: false,
        contentType,
        preconditionOpts: { ifGenerationMatch: 0 },
        metadata: { metadata: { sha256, ...(facts?.source ? { source: facts.source } : {}), ...(facts?.incidentId ? { incident: facts.incidentId } : {}) } },
      });
    } catch (err) {
      if (storageStatus(err) !== 412) throw storageFailure(err, "storing");
      // Already there (a retried step, or a race with another writer): fine if it is the same evidence.
      const existing = await this.get(key);
      if (existing && sha256Hex(existing) === sha256) return;
      throw new Error("evidence key already holds different content");
    }
  }

  async get(key: string): Promise<Buffer | null> {
    const name = this.objectName(key);
    let body: Buffer;
    try {
      [body] = await this.bucket.file(name).download();
    } catch (err) {
      if (storageStatus(err) === 404) return null;
      throw storageFailure(err, "reading");
    }
    if (sha256Hex(body) !== KEY.exec(key)![1]) throw new EvidenceTamperedError(key);
    return body;
  }

  async list(folder: string): Promise<string[]> {
    if (!SAFE_SEGMENT.test(folder)) throw new Error("invalid evidence folder");
    const base = this.prefix ? `${this.prefix}/` : "";
    try {
      const [files] = await this.bucket.getFiles({ prefix: `${base}${folder}/` });
      return files.map((f) => f.name.slice(base.length));
    } catch (err) {
      throw storageFailure(err, "listing");
    }
  }

  /**
   * Streams into a staging object `<incident>/incoming-<uuid>` (the library checks the transfer
   * with CRC32C), then, with the SHA-256 known, rewrites it server-side to its final name
   * (`ifGenerationMatch: 0`, metadata as put writes it) and deletes the staging object.
   */
  async putStream(incidentId: string, name: string, body: Readable, contentType: string, facts?: ArtifactFacts): Promise<StoredBody> {
    this.objectName(`${incidentId}/${"0".repeat(64)}-${name}`);
    // An error the source raises before the pipeline below is attached reaches the pipeline as the
    // stream's errored state; this listener only keeps it from being an uncaught 'error' event.
    body.on("error", () => undefined);
    const staging = this.bucket.file(this.prefix ? `${this.prefix}/${incidentId}/incoming-${randomUUID()}` : `${incidentId}/incoming-${randomUUID()}`);
    const tap = hashingTap();
    try {
      await pipeline(body, tap, staging.createWriteStream({ resumable: false, contentType, validation: "crc32c" }));
    } catch (err) {
      await staging.delete({ ignoreNotFound: true }).catch(() => undefined);
      if (storageStatus(err) !== undefined) throw storageFailure(err, "storing");
      throw err;
    }
    const sha256 = tap.sha256();
    const key = `${incidentId}/${sha256}-${name}`;
    try {
      await staging.copy(this.bucket.file(this.objectName(key)), {
        preconditionOpts: { ifGenerationMatch: 0 },
        contentType,
        metadata: { sha256, ...(facts?.source ? { source: facts.source } : {}), ...(facts?.incidentId ? { incident: facts.incidentId } : {}) },
      });
    } catch (err) {
      if (storageStatus(err) !== 412) throw storageFailure(err, "storing");
      // Already stored under its hash: the existing object must still hash to it.
      if (!(await this.verify(key))) throw new Error("evidence key vanished while storing");
    } finally {
      await staging.delete({ ignoreNotFound: true }).catch(() => undefined);
    }
    return { key, sha256, size: tap.size };
  }

  /** The object's bytes as they arrive; a Cloud Storage failure part way is the stream's error, as a 502 like any other. */
  async open(key: string): Promise<Readable | null> {
    const file = this.bucket.file(this.objectName(key));
    try {
      const [exists] = await file.exists();
      if (!exists) return null;
    } catch (err) {
      throw storageFailure(err, "reading");
    }
    // The SHA-256 is checked by whoever reads it (verify, the download), so no CRC32C here.
    const source = file.createReadStream({ validation: false });
    return Readable.from(
      (async function* () {
        try {
          yield* source;
        } catch (err) {
          throw storageStatus(err) !== undefined ? storageFailure(err, "reading") : err;
        }
      })(),
      { objectMode: false },
    );
  }

  async verify(key: string): Promise<StoredBody | null> {
    const body = await this.open(key);
    return body && checkStream(key, body);
  }
}
