import { createHash } from "node:crypto";
import type { Readable } from "node:stream";
import { z } from "zod";

// Evidence as collect-evidence returns it in its record; the evidence store (lib/evidence) persists
// these. Each body is hashed as collected, so later tampering is detectable.

export interface Artifact {
  name: string;
  contentType: string;
  body: string;
  sha256: string;
  size: number;
  /** The API request path it was read from. */
  source: string;
  at: string;
}

/** Where a collected artifact goes; the default keeps it in the step's record. */
/** An artifact as read back from a stored record: untrusted JSON until it parses. */
export const artifactSchema = z.object({
  name: z.string(),
  contentType: z.string(),
  body: z.string(),
  sha256: z.string(),
  size: z.number(),
  source: z.string(),
  at: z.string(),
}) satisfies z.ZodType<Artifact>;

export interface ArtifactSink {
  put(a: Artifact): Promise<void>;
  /**
   * Stores a body streamed from its source (acquire-files), hashed as it passes and never held
   * whole; resolves with the SHA-256 and size the store recorded.
   */
  putStream?(a: Omit<Artifact, "body" | "sha256" | "size">, body: Readable): Promise<{ sha256: string; size: number }>;
}

export function artifact(name: string, contentType: string, body: string, source: string): Artifact {
  const buf = Buffer.from(body, "utf8");
  return { name, contentType, body, sha256: createHash("sha256").update(buf).digest("hex"), size: buf.length, source, at: new Date().toISOString() };
}

export function jsonArtifact(name: string, value: unknown, source: string): Artifact {
  return artifact(name, "application/json", JSON.stringify(value, null, 2) + "\n", source);
}
