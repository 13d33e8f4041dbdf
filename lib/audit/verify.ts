import "server-only";
import type { Db } from "@/lib/store";
import { checkpointSignatureValid, readCheckpoints, type AuditAnchor } from "./anchor";
import { entryHash, GENESIS_HASH } from "./chain";
import { chainId } from "./checkpoint";
import { verifyCovers, type RowProblem } from "./covers";

export type ChainProblem = "edited" | "removed" | "reordered" | "bad-link";

export type VerifyResult = {
  ok: boolean;
  /** Entries checked (up to and including the first bad one). */
  checked: number;
  /** Last entry of an intact chain: record it elsewhere to detect truncation of the tail later. */
  head?: { id: number; hash: string };
  firstBad?: { id: number; reason: ChainProblem };
};

const PAGE = 1000;

/**
 * Walks the timeline in id order and checks every entry's hash and its link to the one before.
 * - edited: the entry's content no longer matches its hash;
 * - reordered: its predecessor exists but later in id order (rows were moved);
 * - removed: its predecessor is not in the table at all (deleted, or rewritten with a new hash);
 * - bad-link: its predecessor is somewhere else in the chain (e.g. a fork).
 * Removing the newest entries leaves a shorter valid chain: compare `head` with a recorded one.
 */
export async function verifyChain(db: Db): Promise<VerifyResult> {
  // Every hash and link, to tell "moved" from "missing" when a link breaks. 64 bytes per entry.
  const index = await db.selectFrom("timeline").select(["id", "hash"]).orderBy("id", "asc").execute();
  const position = new Map<string, number>(); // hash -> id
  for (const r of index) position.set(r.hash, r.id);

  let expectedPrev = GENESIS_HASH;
  let checked = 0;
  let head: VerifyResult["head"];
  let afterId: number | undefined;
  for (;;) {
    let q = db.selectFrom("timeline").selectAll().orderBy("id", "asc").limit(PAGE);
    if (afterId !== undefined) q = q.where("id", ">", afterId);
    const rows = await q.execute();
    if (rows.length === 0) break;
    for (const row of rows) {
      checked++;
      if (entryHash(row) !== row.hash) return { ok: false, checked, head, firstBad: { id: row.id, reason: "edited" } };
      if (row.prev_hash !== expectedPrev) {
        const predecessorId = position.get(row.prev_hash);
        let reason: ChainProblem;
        if (predecessorId === undefined) reason = row.prev_hash === GENESIS_HASH ? "reordered" : "removed";
        else if (predecessorId > row.id) reason = "reordered";
        else reason = "bad-link";
        if (row.prev_hash === GENESIS_HASH && checked > 1) reason = "reordered";
        return { ok: false, checked, head, firstBad: { id: row.id, reason } };
      }
      expectedPrev = row.hash;
      head = { id: row.id, hash: row.hash };
    }
    afterId = rows[rows.length - 1].id;
  }
  return { ok: true, checked, head };
}

export type AuditProblem = ChainProblem | "truncated" | "checkpoint-forged" | "unanchored" | RowProblem["reason"];

export type AuditResult = {
  ok: boolean;
  /** Timeline entries checked. */
  checked: number;
  head?: { id: number; hash: string };
  /** The first thing wrong: the entry (and, for a row, which one), and why. */
  firstBad?: { id: number | null; reason: AuditProblem; row?: string; detail?: string };
  /** The latest valid checkpoint of this chain, if the audit is anchored. */
  checkpoint?: { seq: number; at: string; reason: string; keyId: string } | null;
  anchored: boolean;
  rowsChecked: number;
};

/**
 * The whole audit: the chain (verifyChain), its tail against the latest signed checkpoint (a
 * truncated or rewritten chain disagrees with it), every checkpoint's signature, and the
 * approvals, step runs and evidence records against the entries that cover them.
 * Without an anchor (no key configured) only the chain and the rows are checked.
 */
export async function verifyAudit(db: Db, anchor: AuditAnchor | null): Promise<AuditResult> {
  const chain = await verifyChain(db);
  const base = { checked: chain.checked, head: chain.head, anchored: anchor !== null };
  if (!chain.ok) return { ...base, ok: false, firstBad: chain.firstBad, rowsChecked: 0 };

  let checkpoint: AuditResult["checkpoint"] = null;
  if (anchor) {
    const id = await chainId(db);
    const stored = id ? await readCheckpoints(anchor.store, id) : [];
    for (const s of stored) {
      if (!s.checkpoint || !checkpointSignatureValid(anchor.key, s.checkpoint)) {
        return { ...base, ok: false, rowsChecked: 0, firstBad: { id: s.checkpoint?.seq ?? null, reason: "checkpoint-forged", detail: s.key } };
      }
    }
    const latest = stored[0]?.checkpoint;
    if (latest) {
      checkpoint = { seq: latest.seq, at: latest.at, reason: latest.reason, keyId: latest.keyId };
      const pinned = await db.selectFrom("timeline").select(["id", "hash"]).where("id", "=", latest.seq).executeTakeFirst();
      if (!pinned || pinned.hash !== latest.hash) {
        // The entry the checkpoint vouches for is gone or different: name the first entry missing from the tail.
        const firstMissing = chain.head && chain.head.id < latest.seq ? chain.head.id + 1 : latest.seq;
        return {
          ...base,
          ok: false,
          rowsChecked: 0,
          checkpoint,
          firstBad: { id: firstMissing, reason: "truncated", detail: `checkpoint of ${latest.at} vouches for entry #${latest.seq}` },
        };
      }
    } else if (chain.checked >= anchor.every) {
      // A chain this long has had a checkpoint written: none for it means it was rebuilt from its first entry.
      // Its rows are checked first: `audit:verify -- --checkpoint` signs an unanchored chain, so a
      // row problem must be named ahead of this.
      const rows = await verifyCovers(db);
      if (rows.problems[0]) return rowProblem(base, checkpoint, rows);
      return {
        ...base,
        ok: false,
        rowsChecked: rows.checked,
        firstBad: { id: chain.head?.id ?? null, reason: "unanchored", detail: "no checkpoint of this chain in the store" },
      };
    }
  }

  const rows = await verifyCovers(db);
  if (rows.problems[0]) return rowProblem(base, checkpoint, rows);
  return { ...base, ok: true, checkpoint, rowsChecked: rows.checked };
}

function rowProblem(
  base: Pick<AuditResult, "checked" | "head" | "anchored">,
  checkpoint: AuditResult["checkpoint"],
  rows: Awaited<ReturnType<typeof verifyCovers>>,
): AuditResult {
  const bad = rows.problems[0];
  return { ...base, ok: false, checkpoint, rowsChecked: rows.checked, firstBad: { id: bad.entryId, reason: bad.reason, row: bad.ref } };
}
