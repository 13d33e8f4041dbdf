// npm run audit:verify: walks the hash-chained timeline; exit 0 when intact, 1 when broken.
import "./require-node.cjs";
import { verifyChain } from "@/lib/audit";
import { cliDb } from "./cli-db";

const REASONS = {
  edited: "its content no longer matches its hash (edited)",
  removed: "the entry it links to is missing (removed, or rewritten with a new hash)",
  reordered: "it links to an entry that comes after it (reordered)",
  "bad-link": "it links to an entry elsewhere in the chain (bad link)",
} as const;

async function main() {
  const db = await cliDb();
  try {
    const r = await verifyChain(db);
    if (r.ok) {
      process.stdout.write(`timeline OK: ${r.checked} entries` + (r.head ? `, head #${r.head.id} ${r.head.hash}` : "") + "\n");
      return 0;
    }
    const bad = r.firstBad!;
    process.stdout.write(`timeline BROKEN at entry #${bad.id}: ${REASONS[bad.reason]} (checked ${r.checked})\n`);
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
