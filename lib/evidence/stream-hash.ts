import "server-only";
import { createHash } from "node:crypto";
import { Transform, type Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { EvidenceTamperedError } from "./errors";

/** Keys are `<incident>/<sha256>-<name>`: the hash a read is checked against is in the key. */
export const KEY = /^[^/]+\/([0-9a-f]{64})-[^/]+$/;

/** A pass-through that hashes and counts what flows through it; read `sha256()` and `size` once it has ended. */
export function hashingTap(): Transform & { sha256(): string; size: number } {
  const hash = createHash("sha256");
  const tap = new Transform({
    transform(chunk: Buffer, _enc, done) {
      hash.update(chunk);
      tap.size += chunk.length;
      done(null, chunk);
    },
  }) as Transform & { sha256(): string; size: number };
  tap.size = 0;
  let digest: string | undefined;
  tap.sha256 = () => (digest ??= hash.digest("hex"));
  return tap;
}

/**
 * A pass-through for a body on its way out that lets through only what it can vouch for: it holds
 * back the latest chunk until the next arrives, and at the end passes the last one only if the
 * whole body hashed to `expected`; otherwise it fails with EvidenceTamperedError, so a reader
 * never receives all of a body that was changed (it is one chunk short, and errored).
 */
export function checkedTap(key: string, expected: string): Transform {
  const hash = createHash("sha256");
  let held: Buffer | undefined;
  return new Transform({
    transform(chunk: Buffer, _enc, done) {
      hash.update(chunk);
      const out = held;
      held = chunk;
      done(null, out);
    },
    flush(done) {
      if (hash.digest("hex") !== expected) done(new EvidenceTamperedError(key));
      else done(null, held);
    },
  });
}

/** Hashes a stored body as it streams back; throws EvidenceTamperedError when it is not the key's hash. */
export async function checkStream(key: string, body: Readable): Promise<{ key: string; sha256: string; size: number }> {
  const tap = hashingTap();
  await pipeline(body, tap, async function* (source) {
    for await (const chunk of source) void chunk;
  });
  const sha256 = tap.sha256();
  const expected = KEY.exec(key)?.[1];
  if (expected && expected !== sha256) throw new EvidenceTamperedError(key);
  return { key, sha256, size: tap.size };
}
