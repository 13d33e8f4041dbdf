// npm run audit:verify: walks the hash-chained timeline, checks it against the latest signed
// checkpoint and the approval, step-run and evidence rows against it; exit 0 when intact, 1 when
// not. `-- --checkpoint` also signs the current head (e.g. to anchor a chain written before a key was set).
import "./require-node.cjs";
import { currentAnchor, checkpointNow } from "@/lib/audit/checkpoint";
import { verifyAudit, type AuditProblem, type AuditResult } from "@/lib/audit/verify";
import { cliDb } from "./cli-db";

const REASONS: Record<AuditProblem, string> = {
  edited: "its content no longer matches its hash (edited)",
  removed: "the entry it links to is missing (removed, or rewritten with a new hash)",
  reordered: "it links to an entry that comes after it (reordered)",
  "bad-link": "it links to an entry elsewhere in the chain (bad link)",
  truncated: "the latest signed checkpoint vouches for an entry the chain no longer has (tail truncated or rewritten)",
  "checkpoint-forged": "a checkpoint in the store does not carry a valid signature of the audit key",
  unanchored:
    "the chain is long enough to have been checkpointed, but the store holds no checkpoint of it (rebuilt? or written before AIRLOCK_AUDIT_KEY was set: then anchor it with -- --checkpoint)",
  "row-changed": "a row differs from what the entry covering it recorded",
  "row-removed": "an entry covers a row that is no longer in the database",
  "row-unrecorded": "a row was written that no timeline entry covers",
};

async function main() {
  const db = await cliDb();
  try {
    const anchor = currentAnchor();
    let r = await verifyAudit(db, anchor);
    const anchorNote = (x: AuditResult) =>
      anchor
        ? x.checkpoint
          ? `latest checkpoint #${x.checkpoint.seq} (${x.checkpoint.reason}, ${x.checkpoint.at}, key ${x.checkpoint.keyId})`
          : "no checkpoint yet"
        : "not anchored (AIRLOCK_AUDIT_KEY unset)";
    // A chain written before the key was set has no checkpoint yet: --checkpoint anchors it, once
    // everything else verifies (it vouches for the chain as it stands, so check it first).
    if (process.argv.includes("--checkpoint") && (r.ok || r.firstBad?.reason === "unanchored")) {
      if (!anchor) throw new Error("--checkpoint needs AIRLOCK_AUDIT_KEY");
      const c = await checkpointNow(db, anchor);
      process.stdout.write(c ? `checkpoint written for entry #${c.seq}\n` : "nothing to checkpoint: the timeline is empty\n");
      r = await verifyAudit(db, anchor);
    }
    if (r.ok) {
      process.stdout.write(
        `timeline OK: ${r.checked} entries` + (r.head ? `, head #${r.head.id} ${r.head.hash}` : "") + `; ${r.rowsChecked} rows match; ${anchorNote(r)}\n`,
      );
      return 0;
    }
    const bad = r.firstBad!;
    const where = bad.id === null ? (bad.row ?? "a row") : `entry #${bad.id}` + (bad.row ? ` (${bad.row})` : "");
    process.stdout.write(
      `timeline BROKEN at ${where}: ${REASONS[bad.reason]}${bad.detail ? ` [${bad.detail}]` : ""} (checked ${r.checked}; ${anchorNote(r)})\n`,
    );
    return 1;
  } finally {
    await db.destroy();
  }
}

main().then(
  (code) => process.exit(code),
  (e: Error) => {
    process.stderr.write(`audit:verify: ${e.message}\n`);
    process.exit(2);
  },
);
