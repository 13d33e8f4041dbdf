import "server-only";
import type { Db } from "@/lib/store";
import { entryHash, GENESIS_HASH } from "./chain";

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
