import { sql } from "kysely";
import { expect, it } from "vitest";
import { migrateToLatest } from "./migrate";
import { migrations } from "./migrations";
import { engineOf, openDb, targetFromUrl } from "./open";
import { describeEachEngine } from "./testing";

it("reads DATABASE_URL-style strings", () => {
  expect(targetFromUrl("postgres://u:p@h/db")).toEqual({ engine: "postgres", url: "postgres://u:p@h/db" });
  expect(targetFromUrl("file:/tmp/a.sqlite")).toEqual({ engine: "sqlite", file: "/tmp/a.sqlite" });
  expect(targetFromUrl(":memory:")).toEqual({ engine: "sqlite", file: ":memory:" });
});

it("keeps migration names unique and in order", () => {
  const names = migrations.map((m) => m.name);
  expect(new Set(names).size).toBe(names.length);
  expect([...names].sort()).toEqual(names);
  for (const n of names) expect(n).toMatch(/^\d{3}-[a-z0-9-]+$/);
});

it("opens an in-memory SQLite database", async () => {
  const db = await openDb(":memory:");
  expect(engineOf(db)).toBe("sqlite");
  expect(await db.selectFrom("users").selectAll().execute()).toEqual([]);
  await db.destroy();
});

describeEachEngine("store", ({ engine, open }) => {
  it("creates the tables and reports the engine", async () => {
    const db = await open();
    expect(engineOf(db)).toBe(engine);
    const now = new Date().toISOString();
    await db
      .insertInto("users")
      .values({ id: "u1", email: "a@x.com", name: null, password_hash: null, roles: "analyst", created_at: now, disabled: 0 })
      .execute();
    await db
      .insertInto("api_tokens")
      .values({ id: "t1", user_id: "u1", name: "n", token_hash: "h", prefix: "alk_ab", created_at: now, last_used_at: null, revoked_at: null })
      .execute();
    const count = await db
      .selectFrom("users")
      .select(sql<number>`count(*)`.as("n"))
      .executeTakeFirstOrThrow();
    expect(count.n).toBe(1); // a number on both engines
    await expect(
      db.insertInto("users").values({ id: "u2", email: "a@x.com", name: null, password_hash: null, roles: "", created_at: now, disabled: 0 }).execute(),
    ).rejects.toThrow();
  });

  it("is idempotent: migrating again applies nothing", async () => {
    const db = await open();
    expect(await migrateToLatest(db, engine)).toEqual([]);
  });

  it("applies an added migration once, even when two migrators race", async () => {
    const db = await open();
    const extra = {
      name: "999-test-extra",
      async up(k: typeof db) {
        await k.schema
          .createTable("extra_things")
          .addColumn("id", "text", (c) => c.primaryKey())
          .execute();
      },
    };
    const list = [...migrations, extra];
    const results = await Promise.all([migrateToLatest(db, engine, list), migrateToLatest(db, engine, list)]);
    expect(results.flat()).toEqual(["999-test-extra"]);
    expect(await migrateToLatest(db, engine, list)).toEqual([]);
  });
});
