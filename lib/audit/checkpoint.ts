import "server-only";
import { config } from "@/lib/config";
import { evidenceStore } from "@/lib/evidence/store";
import { logError, newRef } from "@/lib/http/log";
import type { Db } from "@/lib/store";
import { auditAnchor, writeCheckpoint, type AuditAnchor, type Checkpoint, type CheckpointBody } from "./anchor";
import type { TimelineEntry } from "./append";
import { parseAuditKey } from "./key";

/** The anchor from the configuration: the key and the evidence store; null without a key. */
function configuredAnchor(): AuditAnchor | null {
  let cfg;
  try {
    cfg = config();
  } catch {
    // A bare database (scripts, tests) without a valid configuration: the console itself refuses to start on one.
    return null;
  }
  if (!cfg.audit.keyPem) return null;
  return { key: parseAuditKey(cfg.audit.keyPem), store: evidenceStore(), every: cfg.audit.checkpointEvery };
}

export const currentAnchor = () => auditAnchor(configuredAnchor);

/** An incident closing (or being reviewed, which ends it) is a moment the record must be pinned. */
function closes(entry: TimelineEntry): boolean {
  return (entry.kind === "status-changed" && entry.details.to === "closed") || entry.kind === "incident-reviewed";
}

/** Hash of the chain's first entry: the chain's identity in a store that several databases may share. */
export async function chainId(db: Db): Promise<string | null> {
  return (await db.selectFrom("timeline").select("hash").orderBy("id", "asc").limit(1).executeTakeFirst())?.hash ?? null;
}

/** Signs the head now (audit:verify --checkpoint, tests). */
export async function checkpointNow(db: Db, anchor: AuditAnchor, reason: CheckpointBody["reason"] = "manual"): Promise<Checkpoint | null> {
  const head = await db.selectFrom("timeline").select(["id", "hash"]).orderBy("id", "desc").limit(1).executeTakeFirst();
  const chain = await chainId(db);
  if (!head || !chain) return null;
  return writeCheckpoint(anchor, { chain, seq: head.id, hash: head.hash, at: new Date().toISOString(), reason });
}

/**
 * After an append: a checkpoint of that entry each time the ids pass a multiple of `every`, and
 * when an incident closes.
 * A failed write is logged, not thrown: the entry is already committed, and the next checkpoint
 * (or `npm run audit:verify -- --checkpoint`) anchors everything before it.
 */
export async function checkpointAfter(db: Db, entry: TimelineEntry, prevId: number): Promise<void> {
  const anchor = currentAnchor();
  if (!anchor) return;
  const reason = closes(entry) ? "incident-closed" : Math.floor(entry.id / anchor.every) > Math.floor(prevId / anchor.every) ? "interval" : null;
  if (!reason) return;
  try {
    const chain = await chainId(db);
    if (chain) await writeCheckpoint(anchor, { chain, seq: entry.id, hash: entry.hash, at: new Date().toISOString(), reason });
  } catch (err) {
    logError(newRef(), err, { door: "audit", action: "checkpoint", entryId: entry.id });
  }
}
