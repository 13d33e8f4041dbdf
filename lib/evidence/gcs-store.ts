import "server-only";
import { createHash } from "node:crypto";
import type { Bucket } from "@google-cloud/storage";
import { EvidenceTamperedError, storageFailure, storageStatus } from "./errors";
import type { ArtifactFacts, EvidenceStore } from "./types";

const SAFE_SEGMENT = /^[A-Za-z0-9][A-Za-z0-9._-]{0,254}$/;
/** Keys are `<incident>/<sha256>-<name>`: the hash a read is checked against is in the key. */
const KEY = /^[^/]+\/([0-9a-f]{64})-[^/]+$/;

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
}
