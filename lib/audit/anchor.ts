import "server-only";
import { createHash, createPublicKey, sign, verify, type KeyObject } from "node:crypto";
import { processSingleton } from "@/lib/process-singleton";
import type { EvidenceStore } from "@/lib/evidence/types";
import { canonicalJson } from "./canonical";
import { keyIdOf } from "./key";

// Checkpoints anchor the chain outside the database: a signed (sequence, head hash, time) written
// once to the evidence store. Whoever rewrites the database can recompute every hash, but cannot
// sign a checkpoint without the key nor remove one already written, so a rewritten or truncated
// chain disagrees with the latest checkpoint.

/** Store folder of the checkpoints: keys `audit-checkpoints/<sha256 of the file>-<chain id>-<seq>.json`. */
export const CHECKPOINT_FOLDER = "audit-checkpoints";

export type CheckpointBody = {
  /** Hash of the chain's first entry: which database's chain this is (stores may be shared). */
  chain: string;
  /** Id of the entry the checkpoint vouches for (the chain's head when it was taken). */
  seq: number;
  /** That entry's hash. */
  hash: string;
  at: string;
  /** Why it was taken: every N entries, or an incident's close. */
  reason: "interval" | "incident-closed" | "manual";
};

export type Checkpoint = CheckpointBody & { keyId: string; signature: string };

export type AuditAnchor = {
  /** Ed25519 private key; only the public half is needed to verify. */
  key: KeyObject;
  store: EvidenceStore;
  /** A checkpoint every `every` entries (entry id multiple of it). */
  every: number;
};

const signedText = (b: CheckpointBody) => canonicalJson({ chain: b.chain, seq: b.seq, hash: b.hash, at: b.at, reason: b.reason });

export function signCheckpoint(key: KeyObject, body: CheckpointBody): Checkpoint {
  return { ...body, keyId: keyIdOf(key), signature: sign(null, Buffer.from(signedText(body)), key).toString("base64") };
}

export function checkpointSignatureValid(key: KeyObject, c: Checkpoint): boolean {
  try {
    return verify(null, Buffer.from(signedText(c)), createPublicKey(key), Buffer.from(c.signature, "base64"));
  } catch {
    return false;
  }
}

export function checkpointKey(c: Checkpoint, body: Buffer): string {
  return `${CHECKPOINT_FOLDER}/${createHash("sha256").update(body).digest("hex")}-${c.chain.slice(0, 16)}-${String(c.seq).padStart(12, "0")}.json`;
}

/** Signs and writes one checkpoint, write-once (a file opened `wx`, or a GCS object with ifGenerationMatch=0). */
export async function writeCheckpoint(anchor: AuditAnchor, body: CheckpointBody): Promise<Checkpoint> {
  const c = signCheckpoint(anchor.key, body);
  const bytes = Buffer.from(JSON.stringify(c, null, 2) + "\n");
  await anchor.store.put(checkpointKey(c, bytes), bytes, "application/json");
  return c;
}

export type StoredCheckpoint = { key: string; checkpoint: Checkpoint | null };

/** The checkpoints of one chain, newest (highest seq) first; unreadable ones come back as null. */
export async function readCheckpoints(store: EvidenceStore, chain: string): Promise<StoredCheckpoint[]> {
  const keys = (await store.list(CHECKPOINT_FOLDER)).filter((k) => k.includes(`-${chain.slice(0, 16)}-`));
  const out: StoredCheckpoint[] = [];
  for (const key of keys) {
    let checkpoint: Checkpoint | null = null;
    try {
      const body = await store.get(key);
      const parsed = body ? (JSON.parse(body.toString("utf8")) as Checkpoint) : null;
      if (parsed && Number.isInteger(parsed.seq) && typeof parsed.hash === "string" && typeof parsed.signature === "string" && parsed.chain === chain) {
        checkpoint = parsed;
      }
    } catch {
      checkpoint = null;
    }
    out.push({ key, checkpoint });
  }
  return out.sort((a, b) => (b.checkpoint?.seq ?? Infinity) - (a.checkpoint?.seq ?? Infinity));
}

const held = processSingleton("audit.anchor", () => ({ anchor: undefined as AuditAnchor | null | undefined }));

/**
 * The anchor of this process, or null when no key is configured: resolved once with `resolve`
 * (the configuration, lib/audit/checkpoint.ts) unless a test set one.
 */
export function auditAnchor(resolve: () => AuditAnchor | null): AuditAnchor | null {
  if (held.anchor === undefined) held.anchor = resolve();
  return held.anchor;
}

/** Tests only: use this anchor (null: none; undefined: resolve from the configuration again). */
export function setAuditAnchorForTests(anchor: AuditAnchor | null | undefined): void {
  held.anchor = anchor;
}
