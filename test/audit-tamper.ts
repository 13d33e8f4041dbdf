import "server-only";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { randomUUID } from "node:crypto";
import { sql } from "kysely";
import { finishRun, startRun } from "@/lib/containment/runs";
import { FsEvidenceStore } from "@/lib/evidence/fs-store";
import type { Db, Engine, TimelineRow } from "@/lib/store";
import { setAuditAnchorForTests, writeCheckpoint, type AuditAnchor } from "@/lib/audit/anchor";
import { appendEntry } from "@/lib/audit/append";
import { entryHash } from "@/lib/audit/chain";
import { checkpointNow } from "@/lib/audit/checkpoint";
import { generateAuditKeyPem, parseAuditKey } from "@/lib/audit/key";
import { verifyAudit, type AuditProblem, type AuditResult } from "@/lib/audit/verify";

// What an attacker holding the database does to the record, one scenario each, with the answer
// verify must give. Shared by lib/audit/tamper.test.ts and `npm run proof` (the tampering figure);
// test support, not shipped in lib (it lifts the append-only triggers).

export type Seeded = {
  db: Db;
  engine: Engine;
  anchor: AuditAnchor;
  /** Timeline rows in id order, as seeded. */
  rows: TimelineRow[];
  runId: string;
  approvalId: string;
  artifactId: string;
  /** The entries that last covered each row. */
  entryOf: { run: number; approval: number; artifact: number };
};

export type Scenario = {
  name: string;
  /** Tampers with the database (or the store); returns what verify must name. */
  apply(s: Seeded): Promise<{ id: number | null; reasons: AuditProblem[]; row?: string }>;
};

/** Lifts every guard an attacker with the database can lift: the append-only triggers, the unique link index. */
export async function liftGuards(db: Db, engine: Engine): Promise<void> {
  await sql`drop index if exists timeline_prev_hash_uq`.execute(db);
  if (engine === "postgres") {
    await sql`alter table timeline disable trigger timeline_append_only`.execute(db);
    await sql`alter table timeline disable trigger timeline_no_truncate`.execute(db);
  } else {
    await sql`drop trigger if exists timeline_no_update`.execute(db);
    await sql`drop trigger if exists timeline_no_delete`.execute(db);
  }
}

/** A test anchor: a fresh key and a write-once file store in a temporary directory. */
export function testAnchor(every = 10): { anchor: AuditAnchor; dir: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "airlock-anchor-"));
  return { anchor: { key: parseAuditKey(generateAuditKeyPem()), store: new FsEvidenceStore(dir), every }, dir };
}

const ACTOR = "analyst@demo.local";

/**
 * A timeline the console's writers would leave: an incident, a step run (intent, result), an
 * approval request and decision, an evidence record, comments; `entries` in all, then a signed
 * checkpoint of the head.
 */
export async function seed(db: Db, engine: Engine, anchor: AuditAnchor, entries = 12): Promise<Seeded> {
  const incidentId = `inc-${randomUUID().slice(0, 8)}`;
  const now = new Date().toISOString();
  await db
    .insertInto("incidents")
    .values({
      id: incidentId,
      title: "crypto miner",
      severity: "high",
      status: "open",
      cluster: "demo",
      namespace: "shop",
      pod: "web-1",
      targets: "{}",
      created_by: ACTOR,
      created_at: now,
    })
    .execute();
  const base = { actor: ACTOR, role: "analyst", incidentId };
  await appendEntry(db, { ...base, kind: "incident-opened", details: { title: "crypto miner" } });

  const run = await startRun(db, { incidentId, stepId: "label-quarantine", operation: "execute", planHash: "p1", params: {}, actor: ACTOR, role: "analyst" });
  await appendEntry(db, { ...base, stepId: "label-quarantine", kind: "intent", planHash: "p1", details: { runId: run.id, operation: "execute" } });
  await finishRun(db, run.id, { status: "succeeded", message: "labelled", record: { prior: null } });
  const result = await appendEntry(db, {
    ...base,
    stepId: "label-quarantine",
    kind: "result",
    details: { runId: run.id, operation: "execute", outcome: "success" },
  });

  const approvalId = randomUUID();
  await db
    .insertInto("approval_requests")
    .values({
      id: approvalId,
      incident_id: incidentId,
      step_id: "delete-pod",
      plan_hash: "p2",
      plan: "{}",
      params: "{}",
      reason: "miner",
      requested_by: ACTOR,
      requested_role: "analyst",
      requested_at: now,
      expires_at: new Date(Date.now() + 3_600_000).toISOString(),
      required_approvals: 1,
      status: "pending",
      decided_at: null,
    })
    .execute();
  await appendEntry(db, { ...base, stepId: "delete-pod", kind: "approval-requested", details: { approvalId } });
  await db
    .insertInto("approval_decisions")
    .values({ id: randomUUID(), request_id: approvalId, approver: "approver@demo.local", role: "approver", decision: "approve", comment: "", at: now })
    .execute();
  await db.updateTable("approval_requests").set({ status: "approved", decided_at: now }).where("id", "=", approvalId).execute();
  const approved = await appendEntry(db, {
    actor: "approver@demo.local",
    role: "approver",
    incidentId,
    stepId: "delete-pod",
    kind: "approval-approved",
    details: { approvalId },
  });

  const artifactId = randomUUID();
  await db
    .insertInto("evidence_artifacts")
    .values({
      id: artifactId,
      incident_id: incidentId,
      step_id: "collect-evidence",
      run_id: null,
      name: "pod.json",
      content_type: "application/json",
      sha256: "a".repeat(64),
      size: 42,
      source: "/api/v1/namespaces/shop/pods/web-1",
      collected_at: now,
      stored_at: now,
      stored_by: ACTOR,
      storage: "fs",
      storage_key: `${incidentId}/${"a".repeat(64)}-pod.json`,
    })
    .execute();
  const stored = await appendEntry(db, { ...base, stepId: "collect-evidence", kind: "evidence-stored", details: { artifactId, sha256: "a".repeat(64) } });

  for (let i = 0; stored.id + i < entries; i++) await appendEntry(db, { ...base, kind: "comment", details: { text: `note ${i}` } });
  await checkpointNow(db, anchor, "manual");
  const rows = await db.selectFrom("timeline").selectAll().orderBy("id", "asc").execute();
  return { db, engine, anchor, rows, runId: run.id, approvalId, artifactId, entryOf: { run: result.id, approval: approved.id, artifact: stored.id } };
}

const byId = (s: Seeded, i: number) => s.rows[i];

/** Rewrites rows from index `from` on with recomputed hashes, as an attacker covering their tracks would. */
async function rechain(s: Seeded, rows: TimelineRow[]): Promise<void> {
  await s.db.deleteFrom("timeline").where("id", ">=", rows[0].id).execute();
  let prev = (await s.db.selectFrom("timeline").select("hash").orderBy("id", "desc").limit(1).executeTakeFirst())?.hash ?? "0".repeat(64);
  for (const r of rows) {
    const fixed = { ...r, prev_hash: prev };
    fixed.hash = entryHash(fixed);
    await s.db.insertInto("timeline").values(fixed).execute();
    prev = fixed.hash;
  }
}

const middle = (s: Seeded) => Math.floor(s.rows.length / 2);

export const SCENARIOS: Scenario[] = [
  {
    name: "edit an entry's details",
    async apply(s) {
      const r = byId(s, middle(s));
      await s.db.updateTable("timeline").set({ details: '{"text":"nothing happened"}' }).where("id", "=", r.id).execute();
      return { id: r.id, reasons: ["edited"] };
    },
  },
  {
    name: "edit an entry's actor and recompute its hash",
    async apply(s) {
      const i = middle(s);
      const r = { ...byId(s, i), actor: "mallory" };
      await s.db
        .updateTable("timeline")
        .set({ actor: "mallory", hash: entryHash(r) })
        .where("id", "=", r.id)
        .execute();
      return { id: byId(s, i + 1).id, reasons: ["removed"] };
    },
  },
  {
    name: "edit an entry and re-chain everything after it",
    async apply(s) {
      const i = middle(s);
      const rows = s.rows.slice(i).map((r, k) => (k === 0 ? { ...r, actor: "mallory" } : r));
      await rechain(s, rows);
      return { id: s.rows.at(-1)!.id, reasons: ["truncated"] };
    },
  },
  {
    name: "delete an entry in the middle",
    async apply(s) {
      const i = middle(s);
      await s.db.deleteFrom("timeline").where("id", "=", byId(s, i).id).execute();
      return { id: byId(s, i + 1).id, reasons: ["removed"] };
    },
  },
  {
    name: "delete the first entry",
    async apply(s) {
      await s.db.deleteFrom("timeline").where("id", "=", byId(s, 0).id).execute();
      return { id: byId(s, 1).id, reasons: ["removed"] };
    },
  },
  {
    name: "reorder two entries",
    async apply(s) {
      const i = middle(s);
      const [a, b] = [byId(s, i), byId(s, i + 1)];
      await s.db.deleteFrom("timeline").where("id", "in", [a.id, b.id]).execute();
      await s.db
        .insertInto("timeline")
        .values([
          { ...b, id: a.id },
          { ...a, id: b.id },
        ])
        .execute();
      return { id: a.id, reasons: ["reordered"] };
    },
  },
  {
    name: "insert a forged entry in the middle",
    async apply(s) {
      const i = middle(s);
      const after = s.rows.slice(i);
      await s.db.deleteFrom("timeline").where("id", ">=", after[0].id).execute();
      const forged = { ...after[0], kind: "comment", details: '{"text":"approved by phone"}', prev_hash: byId(s, i - 1).hash };
      forged.hash = entryHash(forged);
      await s.db.insertInto("timeline").values(forged).execute();
      await s.db
        .insertInto("timeline")
        .values(after.map((r) => ({ ...r, id: r.id + 1 })))
        .execute();
      return { id: after[0].id + 1, reasons: ["bad-link"] };
    },
  },
  {
    name: "insert a forged entry and re-chain everything after it",
    async apply(s) {
      const i = middle(s);
      const after = s.rows.slice(i);
      const forged = { ...after[0], kind: "comment", details: '{"text":"approved by phone"}' };
      await rechain(s, [forged, ...after.map((r) => ({ ...r, id: r.id + 1 }))]);
      return { id: s.rows.at(-1)!.id, reasons: ["truncated"] };
    },
  },
  ...[1, 3, 6].map((k): Scenario => ({
    name: `truncate the newest ${k} entr${k === 1 ? "y" : "ies"}`,
    async apply(s) {
      const first = s.rows[s.rows.length - k];
      await s.db.deleteFrom("timeline").where("id", ">=", first.id).execute();
      return { id: first.id, reasons: ["truncated"] };
    },
  })),
  {
    name: "truncate the newest entries and append forged ones in their place",
    async apply(s) {
      const tail = s.rows.slice(-3).map((r) => ({ ...r, details: '{"text":"all quiet"}' }));
      await rechain(s, tail);
      return { id: s.rows.at(-1)!.id, reasons: ["truncated"] };
    },
  },
  {
    name: "rebuild the whole chain from scratch",
    async apply(s) {
      await rechain(
        s,
        s.rows.map((r) => ({ ...r, actor: "mallory" })),
      );
      // The chain's identity (its first hash) changes, so the store holds no checkpoint of it.
      return { id: s.rows.at(-1)!.id, reasons: ["unanchored"] };
    },
  },
  {
    name: "write a checkpoint signed with another key",
    async apply(s) {
      const other = testAnchor();
      const chain = s.rows[0].hash;
      await writeCheckpoint(
        { ...other.anchor, store: s.anchor.store },
        { chain, seq: s.rows.at(-1)!.id + 5, hash: "f".repeat(64), at: new Date().toISOString(), reason: "manual" },
      );
      fs.rmSync(other.dir, { recursive: true, force: true });
      return { id: s.rows.at(-1)!.id + 5, reasons: ["checkpoint-forged"] };
    },
  },
  {
    name: "remove the decision behind an approval",
    async apply(s) {
      await s.db.deleteFrom("approval_decisions").where("request_id", "=", s.approvalId).execute();
      return { id: s.entryOf.approval, reasons: ["row-changed"], row: `approval_requests/${s.approvalId}` };
    },
  },
  {
    name: "change an approval's step",
    async apply(s) {
      await s.db.updateTable("approval_requests").set({ step_id: "delete-controller" }).where("id", "=", s.approvalId).execute();
      return { id: s.entryOf.approval, reasons: ["row-changed"], row: `approval_requests/${s.approvalId}` };
    },
  },
  {
    name: "rewrite a step run's record (what release restores)",
    async apply(s) {
      await s.db.updateTable("step_runs").set({ record: '{"prior":"attacker-chosen"}' }).where("id", "=", s.runId).execute();
      return { id: s.entryOf.run, reasons: ["row-changed"], row: `step_runs/${s.runId}` };
    },
  },
  {
    name: "delete a step run",
    async apply(s) {
      await s.db.deleteFrom("step_runs").where("id", "=", s.runId).execute();
      return { id: s.entryOf.run, reasons: ["row-removed"], row: `step_runs/${s.runId}` };
    },
  },
  {
    name: "insert a forged approved approval",
    async apply(s) {
      const id = randomUUID();
      const row = await s.db.selectFrom("approval_requests").selectAll().where("id", "=", s.approvalId).executeTakeFirstOrThrow();
      await s.db
        .insertInto("approval_requests")
        .values({ ...row, id, step_id: "delete-controller", requested_at: new Date().toISOString() })
        .execute();
      return { id: null, reasons: ["row-unrecorded"], row: `approval_requests/${id}` };
    },
  },
  {
    name: "change an evidence record's SHA-256",
    async apply(s) {
      await s.db
        .updateTable("evidence_artifacts")
        .set({ sha256: "b".repeat(64) })
        .where("id", "=", s.artifactId)
        .execute();
      return { id: s.entryOf.artifact, reasons: ["row-changed"], row: `evidence_artifacts/${s.artifactId}` };
    },
  },
];

export type TamperOutcome = { scenario: string; engine: Engine; caught: boolean; named: boolean; expected: string; got: string };

/** Seeds a fresh database, applies one scenario with the guards lifted, and checks verify's answer. */
export async function runScenario(open: () => Promise<Db>, engine: Engine, scenario: Scenario): Promise<TamperOutcome> {
  const db = await open();
  const { anchor, dir } = testAnchor();
  try {
    // Appends checkpoint with this anchor too (every 10 entries), as the console's would.
    setAuditAnchorForTests(anchor);
    const s = await seed(db, engine, anchor).finally(() => setAuditAnchorForTests(undefined));
    const before = await verifyAudit(db, anchor);
    if (!before.ok) throw new Error(`the seeded audit does not verify: ${JSON.stringify(before.firstBad)}`);
    await liftGuards(db, engine);
    const want = await scenario.apply(s);
    const r: AuditResult = await verifyAudit(db, anchor);
    const bad = r.firstBad;
    const named = !r.ok && bad !== undefined && bad.id === want.id && want.reasons.includes(bad.reason) && (want.row === undefined || bad.row === want.row);
    return {
      scenario: scenario.name,
      engine,
      caught: !r.ok,
      named,
      expected: `#${want.id} ${want.reasons.join("|")}${want.row ? ` ${want.row}` : ""}`,
      got: r.ok ? "ok" : `#${bad?.id} ${bad?.reason}${bad?.row ? ` ${bad.row}` : ""}`,
    };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
