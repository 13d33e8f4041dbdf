import "server-only";
import { randomBytes } from "node:crypto";
import { createWriteStream } from "node:fs";
import fs from "node:fs/promises";
import path from "node:path";
import type { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { checkStream, hashingTap } from "./stream-hash";
import type { EvidenceStore, StoredBody } from "./types";

const SAFE_SEGMENT = /^[A-Za-z0-9][A-Za-z0-9._-]{0,254}$/;

/**
 * Artifacts as files under `<dir>/<incident>/`. Files are written to a temporary name and
 * renamed, so a crash never leaves a half-written artifact under its final name, and created
 * read-only: nothing in Airlock rewrites evidence.
 */
export class FsEvidenceStore implements EvidenceStore {
  readonly kind = "fs" as const;
  constructor(private readonly dir: string) {}

  /** Keys come from our own code, but a path escaping the store would be a serious bug: refuse it. */
  private fileOf(key: string): string {
    const parts = key.split("/");
    if (parts.length !== 2 || !parts.every((p) => SAFE_SEGMENT.test(p) && p !== "." && p !== "..")) {
      throw new Error("invalid evidence key");
    }
    return path.join(this.dir, parts[0], parts[1]);
  }

  // The content type is kept in the database row; a file needs none.
  async put(key: string, body: Buffer, _contentType?: string): Promise<void> {
    const file = this.fileOf(key);
    const existing = await this.get(key);
    if (existing) {
      if (existing.equals(body)) return;
      throw new Error("evidence key already holds different content");
    }
    await fs.mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
    const tmp = `${file}.${randomBytes(6).toString("hex")}.tmp`;
    await fs.writeFile(tmp, body, { mode: 0o400, flag: "wx" });
    await fs.rename(tmp, file);
  }

  async get(key: string): Promise<Buffer | null> {
    try {
      return await fs.readFile(this.fileOf(key));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ENOENT") return null;
      throw err;
    }
  }

  async list(folder: string): Promise<string[]> {
    if (!SAFE_SEGMENT.test(folder)) throw new Error("invalid evidence folder");
    try {
      const names = await fs.readdir(path.join(this.dir, folder));
      return names.filter((n) => SAFE_SEGMENT.test(n) && !n.endsWith(".tmp")).map((n) => `${folder}/${n}`);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ENOENT") return [];
      throw err;
    }
  }

  async putStream(incidentId: string, name: string, body: Readable, _contentType?: string): Promise<StoredBody> {
    // Validates both segments before anything is written.
    this.fileOf(`${incidentId}/${"0".repeat(64)}-${name}`);
    // An error the source raises before the pipeline below is attached reaches the pipeline as the
    // stream's errored state; this listener only keeps it from being an uncaught 'error' event.
    body.on("error", () => undefined);
    const dir = path.join(this.dir, incidentId);
    await fs.mkdir(dir, { recursive: true, mode: 0o700 });
    const tmp = path.join(dir, `incoming-${randomBytes(6).toString("hex")}.tmp`);
    const tap = hashingTap();
    try {
      await pipeline(body, tap, createWriteStream(tmp, { mode: 0o400, flags: "wx" }));
      const key = `${incidentId}/${tap.sha256()}-${name}`;
      const file = this.fileOf(key);
      // The same bytes under the same name are already there (a retried step): keep them.
      if (await this.verify(key)) await fs.rm(tmp, { force: true });
      else await fs.rename(tmp, file);
      return { key, sha256: tap.sha256(), size: tap.size };
    } catch (err) {
      await fs.rm(tmp, { force: true });
      throw err;
    }
  }

  async open(key: string): Promise<Readable | null> {
    const file = this.fileOf(key);
    try {
      // The stream closes the handle when it ends or is destroyed (a download cut short).
      return (await fs.open(file)).createReadStream();
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ENOENT") return null;
      throw err;
    }
  }

  async verify(key: string): Promise<StoredBody | null> {
    const body = await this.open(key);
    return body && checkStream(key, body);
  }
}
