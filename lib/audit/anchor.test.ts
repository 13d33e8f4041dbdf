import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { generateKeyPairSync } from "node:crypto";
import { afterEach, expect, it } from "vitest";
import { loadConfig } from "@/lib/config";
import { describeEachEngine } from "@/lib/store/testing";
import { checkpointSignatureValid, readCheckpoints, setAuditAnchorForTests, writeCheckpoint } from "./anchor";
import { appendEntry } from "./append";
import { chainId } from "./checkpoint";
import { generateAuditKeyPem } from "./key";
import { testAnchor } from "@/test/audit-tamper";
import { verifyAudit } from "./verify";

afterEach(() => setAuditAnchorForTests(undefined));

describeEachEngine("audit checkpoints", ({ open }) => {
  it("signs a checkpoint each time the ids pass a multiple of N, and at an incident's close", async () => {
    const db = await open();
    const { anchor, dir } = testAnchor(5);
    setAuditAnchorForTests(anchor);
    for (let i = 0; i < 12; i++) await appendEntry(db, { actor: "a@x", kind: "comment", details: { i } });
    const closed = await appendEntry(db, { actor: "a@x", kind: "status-changed", details: { from: "released", to: "closed" } });
    const stored = await readCheckpoints(anchor.store, (await chainId(db))!);
    expect(stored.map((s) => [s.checkpoint?.seq, s.checkpoint?.reason])).toEqual([
      [closed.id, "incident-closed"],
      [10, "interval"],
      [5, "interval"],
    ]);
    for (const s of stored) expect(checkpointSignatureValid(anchor.key, s.checkpoint!)).toBe(true);
    expect(await verifyAudit(db, anchor)).toMatchObject({ ok: true, checked: 13, anchored: true, checkpoint: { seq: closed.id } });
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("writes a checkpoint once: the file is read-only and cannot be replaced by other bytes", async () => {
    const { anchor, dir } = testAnchor();
    const c = await writeCheckpoint(anchor, { chain: "c".repeat(64), seq: 7, hash: "h".repeat(64), at: new Date().toISOString(), reason: "manual" });
    const [key] = await anchor.store.list("audit-checkpoints");
    const file = path.join(dir, key);
    expect(fs.statSync(file).mode & 0o222).toBe(0);
    await expect(anchor.store.put(key, Buffer.from("{}"), "application/json")).rejects.toThrow(/different content/);
    expect(JSON.parse(fs.readFileSync(file, "utf8"))).toEqual(c);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});

it("refuses an audit key that is not an Ed25519 private key, and generates one in demo mode", () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "airlock-audit-key-"));
  const base = { NEXTAUTH_SECRET: "x".repeat(32) };
  const rsa = generateKeyPairSync("rsa", { modulusLength: 1024 }).privateKey.export({ format: "pem", type: "pkcs8" }).toString();
  for (const bad of ["not a key", rsa]) {
    expect(() => loadConfig({ ...base, AIRLOCK_AUDIT_KEY: bad }, { demoDir: tmp })).toThrow(/AIRLOCK_AUDIT_KEY/);
  }
  expect(() => loadConfig({ ...base, AIRLOCK_AUDIT_CHECKPOINT_EVERY: "0" }, { demoDir: tmp })).toThrow(/AIRLOCK_AUDIT_CHECKPOINT_EVERY/);
  const pem = generateAuditKeyPem();
  expect(loadConfig({ ...base, AIRLOCK_AUDIT_KEY: pem }, { demoDir: tmp }).audit).toMatchObject({ keyGenerated: false, checkpointEvery: 100 });
  expect(loadConfig(base, { demoDir: tmp }).audit.keyPem).toBeUndefined();
  const demo = loadConfig({ AIRLOCK_DEMO: "1" }, { demoDir: tmp }).audit;
  expect(demo.keyGenerated).toBe(true);
  expect(fs.readFileSync(path.join(tmp, "audit-key.pem"), "utf8")).toContain("PRIVATE KEY");
  // The same key on the next start.
  expect(loadConfig({ AIRLOCK_DEMO: "1" }, { demoDir: tmp }).audit.keyPem).toBe(demo.keyPem);
  fs.rmSync(tmp, { recursive: true, force: true });
});
