import { sql } from "kysely";
import { expect, it } from "vitest";
import type { Db } from "@/lib/store";
import { describeEachEngine } from "@/lib/store/testing";
import { appendEntry, listEntries } from "./append";
import { GENESIS_HASH } from "./chain";
import { verifyChain } from "./verify";

async function seed(db: Db, n: number) {
  for (let i = 1; i <= n; i++) {
    await appendEntry(db, {
      actor: "lead@demo.local",
      role: "lead",
      incidentId: "inc-1",
      stepId: i % 2 ? "cordon-node" : null,
      kind: i === 1 ? "incident-opened" : "comment",
      targets: [{ kind: "Pod", namespace: "shop", name: `web-${i}` }],
      details: { n: i, note: `entry ${i}` },
    });
  }
}

/** What an attacker with database access does first: lift the append-only guard. */
async function dropGuard(db: Db, engine: string) {
  if (engine === "postgres") {
    await sql`alter table timeline disable trigger timeline_append_only`.execute(db);
  } else {
    await sql`drop trigger timeline_no_update`.execute(db);
    await sql`drop trigger timeline_no_delete`.execute(db);
  }
}

describeEachEngine("timeline", ({ engine, open }) => {
  it("chains entries from the genesis hash and verifies", async () => {
    const db = await open();
    expect(await verifyChain(db)).toEqual({ ok: true, checked: 0 });
    await seed(db, 5);
    const entries = await listEntries(db);
    expect(entries).toHaveLength(5);
    expect(entries[0].prevHash).toBe(GENESIS_HASH);
    for (let i = 1; i < entries.length; i++) expect(entries[i].prevHash).toBe(entries[i - 1].hash);
    expect(entries[2].targets).toEqual([{ kind: "Pod", namespace: "shop", name: "web-3" }]);
    expect(entries[2].details).toEqual({ n: 3, note: "entry 3" });
    const result = await verifyChain(db);
    expect(result).toEqual({ ok: true, checked: 5, head: { id: entries[4].id, hash: entries[4].hash } });
  });

  it("never forks under concurrent appends", async () => {
    const db = await open();
    // On PostgreSQL the pool spreads these over several connections; on SQLite they queue on one.
    await Promise.all(Array.from({ length: 40 }, (_, i) => appendEntry(db, { actor: `a${i}`, kind: "comment", details: { i } })));
    const result = await verifyChain(db);
    expect(result.ok).toBe(true);
    expect(result.checked).toBe(40);
  });

  it("refuses UPDATE and DELETE on the timeline", async () => {
    const db = await open();
    await seed(db, 2);
    await expect(db.updateTable("timeline").set({ actor: "mallory" }).where("id", "=", 1).execute()).rejects.toThrow(/append-only/);
    await expect(db.deleteFrom("timeline").where("id", "=", 1).execute()).rejects.toThrow(/append-only/);
    expect((await verifyChain(db)).ok).toBe(true);
  });

  it("names an edited entry", async () => {
    const db = await open();
    await seed(db, 5);
    const [, , third] = await listEntries(db);
    await dropGuard(db, engine);
    await db.updateTable("timeline").set({ details: '{"n":3,"note":"nothing happened"}' }).where("id", "=", third.id).execute();
    expect(await verifyChain(db)).toMatchObject({ ok: false, checked: 3, firstBad: { id: third.id, reason: "edited" } });
  });

  it("names the entry after a removed one", async () => {
    const db = await open();
    await seed(db, 5);
    const entries = await listEntries(db);
    await dropGuard(db, engine);
    await db.deleteFrom("timeline").where("id", "=", entries[2].id).execute();
    expect(await verifyChain(db)).toMatchObject({ ok: false, firstBad: { id: entries[3].id, reason: "removed" } });
  });

  it("names a removed first entry", async () => {
    const db = await open();
    await seed(db, 3);
    const entries = await listEntries(db);
    await dropGuard(db, engine);
    await db.deleteFrom("timeline").where("id", "=", entries[0].id).execute();
    expect(await verifyChain(db)).toMatchObject({ ok: false, checked: 1, firstBad: { id: entries[1].id, reason: "removed" } });
  });

  it("names reordered entries", async () => {
    const db = await open();
    await seed(db, 5);
    const entries = await listEntries(db);
    await dropGuard(db, engine);
    // Swap the contents of entries 2 and 3 (as if their ids had been exchanged).
    const rows = await db.selectFrom("timeline").selectAll().where("id", "in", [entries[1].id, entries[2].id]).orderBy("id").execute();
    await db.deleteFrom("timeline").where("id", "in", [entries[1].id, entries[2].id]).execute();
    await db
      .insertInto("timeline")
      .values([
        { ...rows[1], id: rows[0].id },
        { ...rows[0], id: rows[1].id },
      ])
      .execute();
    expect(await verifyChain(db)).toMatchObject({ ok: false, checked: 2, firstBad: { id: entries[1].id, reason: "reordered" } });
  });

  it("names an entry re-hashed after editing (its successor's link breaks)", async () => {
    const db = await open();
    await seed(db, 4);
    const entries = await listEntries(db);
    await dropGuard(db, engine);
    const { entryHash } = await import("./chain");
    const row = await db.selectFrom("timeline").selectAll().where("id", "=", entries[1].id).executeTakeFirstOrThrow();
    const forged = { ...row, actor: "mallory" };
    await db
      .updateTable("timeline")
      .set({ actor: "mallory", hash: entryHash(forged) })
      .where("id", "=", row.id)
      .execute();
    expect(await verifyChain(db)).toMatchObject({ ok: false, firstBad: { id: entries[2].id, reason: "removed" } });
  });

  it("rejects unknown kinds and missing actors", async () => {
    const db = await open();
    await expect(appendEntry(db, { actor: "", kind: "comment" })).rejects.toThrow(/actor/);
    await expect(appendEntry(db, { actor: "a", kind: "Bad Kind" })).rejects.toThrow(/kind/);
  });
});
