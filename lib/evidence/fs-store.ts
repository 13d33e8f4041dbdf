import "server-only";
import { randomBytes } from "node:crypto";
import fs from "node:fs/promises";
import path from "node:path";
import type { EvidenceStore } from "./types";

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
}
