import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { sql } from "kysely";
import { NextRequest } from "next/server";
import { afterAll, afterEach, expect, it } from "vitest";
import { listEntries } from "@/lib/audit/append";
import { createToken, createUser } from "@/lib/auth";
import { caller, givenIncident } from "@/lib/containment/testing";
import { artifact } from "@/lib/containment/steps/support/artifacts";
import { FsEvidenceStore } from "@/lib/evidence/fs-store";
import { storeArtifact } from "@/lib/evidence/sink";
import { setEvidenceStoreForTests } from "@/lib/evidence/store";
import { setDbForTests, type Db } from "@/lib/store";
import { describeEachEngine } from "@/lib/store/testing";
import { markReviewed } from "@/lib/timeline-view/review";
import { GET } from "./route";

// The verify door on both engines, over a timeline the lead's features wrote (evidence-stored,
// incident-reviewed, with migrations 006 and 007 applied), tampered with as an attacker holding
// the database would: lift the append-only guard, then edit, delete or reorder rows.

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "airlock-verify-"));
setEvidenceStoreForTests(new FsEvidenceStore(dir));
afterEach(() => setDbForTests(undefined));
afterAll(() => {
  setEvidenceStoreForTests(undefined);
  fs.rmSync(dir, { recursive: true, force: true });
});

async function liftGuard(db: Db, engine: string) {
  if (engine === "postgres") await sql`alter table timeline disable trigger timeline_append_only`.execute(db);
  else {
    await sql`drop trigger timeline_no_update`.execute(db);
    await sql`drop trigger timeline_no_delete`.execute(db);
  }
}

async function seeded(open: () => Promise<Db>) {
  const db = await open();
  setDbForTests(db);
  const analyst = caller("analyst@x.com", "analyst");
  const inc = await givenIncident(analyst);
  const opts = { db, incidentId: inc.id, stepId: "collect-evidence", runId: null, actor: analyst.email, role: "analyst" };
  await storeArtifact(opts, artifact("pod.json", "application/json", '{"kind":"Pod"}\n', "/api/v1/namespaces/shop/pods/p"));
  await storeArtifact(opts, artifact("logs-app.log", "text/plain", "mining\n", "/api/v1/namespaces/shop/pods/p/log"));
  await markReviewed(caller("lead@x.com", "lead"), inc.id);
  const tokens: Record<string, string> = {};
  for (const role of ["lead", "admin", "analyst"] as const) {
    tokens[role] = (await createToken(db, (await createUser(db, { email: `${role}-tok@x.com`, roles: [role] })).id, "t")).token;
  }
  return { db, entries: await listEntries(db, { incidentId: inc.id }), tokens };
}

async function verify(token: string) {
  const res = await GET(new NextRequest("http://airlock.test/api/v1/audit/verify", { headers: { authorization: `Bearer ${token}` } }), {
    params: Promise.resolve({}),
  });
  return { status: res.status, body: await res.json() };
}

describeEachEngine("GET /api/v1/audit/verify", ({ engine, open }) => {
  it("answers leads and admins only, with the chain's head when intact", async () => {
    const { entries, tokens } = await seeded(open);
    expect(entries.map((e) => e.kind)).toEqual(["incident-opened", "evidence-stored", "evidence-stored", "incident-reviewed"]);
    expect((await verify(tokens.analyst)).status).toBe(403);
    for (const who of ["lead", "admin"]) {
      const r = await verify(tokens[who]);
      expect(r.status).toBe(200);
      expect(r.body).toMatchObject({ ok: true, checked: 4, head: { id: entries[3].id, hash: entries[3].hash } });
    }
  });

  it("names an edited evidence entry", async () => {
    const { db, entries, tokens } = await seeded(open);
    await liftGuard(db, engine);
    const forged = { ...entries[1].details, sha256: "0".repeat(64) };
    await db
      .updateTable("timeline")
      .set({ details: JSON.stringify(forged) })
      .where("id", "=", entries[1].id)
      .execute();
    expect((await verify(tokens.lead)).body).toMatchObject({ ok: false, firstBad: { id: entries[1].id, reason: "edited" } });
  });

  it("names the entry after a deleted one", async () => {
    const { db, entries, tokens } = await seeded(open);
    await liftGuard(db, engine);
    await db.deleteFrom("timeline").where("id", "=", entries[2].id).execute();
    expect((await verify(tokens.lead)).body).toMatchObject({ ok: false, firstBad: { id: entries[3].id, reason: "removed" } });
  });

  it("names reordered entries", async () => {
    const { db, entries, tokens } = await seeded(open);
    await liftGuard(db, engine);
    const [a, b] = [entries[1], entries[2]];
    const rows = await db.selectFrom("timeline").selectAll().where("id", "in", [a.id, b.id]).orderBy("id").execute();
    await db.deleteFrom("timeline").where("id", "in", [a.id, b.id]).execute();
    await db
      .insertInto("timeline")
      .values([
        { ...rows[1], id: rows[0].id },
        { ...rows[0], id: rows[1].id },
      ])
      .execute();
    expect((await verify(tokens.lead)).body).toMatchObject({ ok: false, firstBad: { id: a.id, reason: "reordered" } });
  });
});
