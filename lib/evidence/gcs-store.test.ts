import { createHash } from "node:crypto";
import { Readable } from "node:stream";
import { buffer } from "node:stream/consumers";
import { Storage } from "@google-cloud/storage";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { storageOptions } from "@/lib/gcp/clients";
import { isHttpError } from "@/lib/http/errors";
import { captureLogsForTests } from "@/lib/observe/logger";
import { startSimProcess, type SimProcess } from "@/sim/test/harness";
import { EvidenceTamperedError } from "./errors";
import { GcsEvidenceStore } from "./gcs-store";

// The Cloud Storage store against the simulator's Cloud Storage JSON API, through the real
// @google-cloud/storage client configured as lib/gcp/clients.ts configures it.

let sim: SimProcess;
let storage: Storage;
const sha = (b: Buffer) => createHash("sha256").update(b).digest("hex");
const keyOf = (incident: string, body: Buffer, name: string) => `${incident}/${sha(body)}-${name}`;

beforeAll(async () => {
  sim = await startSimProcess(["--scenario", "empty"]);
  storage = new Storage(storageOptions(sim.ready.storageEndpoint));
});
afterAll(async () => {
  await sim?.stop();
});

const store = (prefix = "airlock") => new GcsEvidenceStore(storage.bucket(sim.ready.evidenceBucket), prefix);

async function fault(path: string, status: number): Promise<void> {
  const res = await fetch(`${sim.base}/_sim/faults`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ path, method: "*", rate: 1, status, times: 1 }),
  });
  expect(res.status).toBe(201);
}

describe("GcsEvidenceStore", () => {
  it("lists the keys under one folder (the audit checkpoints), without its prefix and nothing from other folders", async () => {
    const a = Buffer.from('{"seq":1}\n');
    const b = Buffer.from('{"seq":2}\n');
    await store().put(keyOf("audit-checkpoints", a, "c-1.json"), a, "application/json");
    await store().put(keyOf("audit-checkpoints", b, "c-2.json"), b, "application/json");
    await store().put(keyOf("inc-list", a, "other.json"), a, "application/json");
    expect((await store().list("audit-checkpoints")).sort()).toEqual(
      [keyOf("audit-checkpoints", a, "c-1.json"), keyOf("audit-checkpoints", b, "c-2.json")].sort(),
    );
    expect(await store().list("nothing-here")).toEqual([]);
  });

  it("writes <prefix>/<incident>/<sha256>-<name> with content type, SHA-256 and source metadata, and reads it back", async () => {
    const body = Buffer.from('{"kind":"Pod"}\n');
    const key = keyOf("inc-1", body, "pod.json");
    await store("/airlock/").put(key, body, "application/json", { incidentId: "inc-1", source: "/api/v1/namespaces/shop/pods/p" });
    const [meta] = await storage.bucket(sim.ready.evidenceBucket).file(`airlock/${key}`).getMetadata();
    expect(meta).toMatchObject({
      contentType: "application/json",
      size: String(body.length),
      metadata: { sha256: sha(body), source: "/api/v1/namespaces/shop/pods/p", incident: "inc-1" },
    });
    expect((await store().get(key))?.equals(body)).toBe(true);
  });

  it("never replaces an object: the same bytes again are accepted as stored (412), other bytes are refused", async () => {
    const body = Buffer.from("log line\n");
    const key = keyOf("inc-2", body, "logs-app.log");
    await store().put(key, body, "text/plain");
    const file = storage.bucket(sim.ready.evidenceBucket).file(`airlock/${key}`);
    const [before] = await file.getMetadata();
    await store().put(key, body, "text/plain");
    await expect(store().put(key, Buffer.from("forged\n"), "text/plain")).rejects.toThrow(/different content/);
    const [after] = await file.getMetadata();
    expect(after.generation).toBe(before.generation);
    expect((await store().get(key))?.equals(body)).toBe(true);
  });

  it("answers null for a missing object and refuses an object whose bytes no longer match the hash in its key", async () => {
    const body = Buffer.from("events\n");
    const key = keyOf("inc-3", body, "events.json");
    expect(await store().get(key)).toBeNull();
    await store().put(key, body, "application/json");
    // Someone with delete/overwrite rights replaces it behind Airlock's back.
    const file = storage.bucket(sim.ready.evidenceBucket).file(`airlock/${key}`);
    const [meta] = await file.getMetadata();
    await file.save("forged\n", { resumable: false, preconditionOpts: { ifGenerationMatch: Number(meta.generation) } });
    await expect(store().get(key)).rejects.toBeInstanceOf(EvidenceTamperedError);
  });

  it("refuses keys that are not <incident>/<sha256>-<name>", async () => {
    for (const key of ["../x", "inc/../../x", "inc/abc-pod.json", "a/b/c", `inc/${"0".repeat(64)}-a/b`]) {
      await expect(store().put(key, Buffer.from("x"), "text/plain"), key).rejects.toThrow(/invalid evidence key/);
    }
  });

  it("turns Cloud Storage failures into a 502 naming the status and a log ref, never the library's text", async () => {
    const logs = captureLogsForTests();
    try {
      const body = Buffer.from("x\n");
      const missingBucket = new GcsEvidenceStore(storage.bucket("no-such-bucket"), "airlock");
      const err = await missingBucket.put(keyOf("inc-4", body, "x.txt"), body, "text/plain").catch((e: unknown) => e);
      expect(isHttpError(err)).toBe(true);
      expect(err).toMatchObject({
        status: 502,
        reason: "evidence-store-failed",
        message: expect.stringMatching(/^Cloud Storage answered 404 \(notFound\) while storing evidence \(ref [0-9a-f]+\)$/),
      });

      await fault("^/upload/storage/", 403);
      const denied = await store()
        .put(keyOf("inc-4", body, "x.txt"), body, "text/plain")
        .catch((e: unknown) => e);
      expect(denied).toMatchObject({ status: 502, message: expect.stringMatching(/refused Airlock's identity \(403\) while storing evidence/) });
      expect((denied as Error).message).not.toMatch(/127\.0\.0\.1|http:/);
      // The server log holds each failure under the reference the message shows.
      for (const shown of [err, denied]) expect(logs.lines.join("\n")).toContain(/\(ref ([0-9a-f]+)\)$/.exec((shown as Error).message)![1]);
    } finally {
      logs.restore();
    }
  });

  it("streams a body in through a staging object, files it under its SHA-256 and re-hashes it on read", async () => {
    const body = Buffer.alloc(3 * 1024 * 1024 + 7, 0x5a);
    const stored = await store().putStream(
      "inc-5",
      "kworkerd",
      Readable.from([body.subarray(0, 1_000_000), body.subarray(1_000_000)]),
      "application/octet-stream",
      {
        incidentId: "inc-5",
        source: "/api/v1/namespaces/shop/pods/p/exec",
      },
    );
    expect(stored).toEqual({ key: keyOf("inc-5", body, "kworkerd"), sha256: sha(body), size: body.length });
    const [files] = await storage.bucket(sim.ready.evidenceBucket).getFiles({ prefix: "airlock/inc-5/" });
    expect(files.map((f) => f.name)).toEqual([`airlock/${stored.key}`]);
    expect(files[0].metadata).toMatchObject({ contentType: "application/octet-stream", metadata: { sha256: sha(body), incident: "inc-5" } });
    expect(await store().verify(stored.key)).toEqual(stored);
    // The same bytes again: kept as stored, no second object.
    expect(await store().putStream("inc-5", "kworkerd", Readable.from([body]), "application/octet-stream")).toEqual(stored);
    expect(await store().verify(keyOf("inc-5", Buffer.from("other"), "kworkerd"))).toBeNull();
    // Read back as a stream, in pieces, for the download door; a missing object is null.
    const pieces: Buffer[] = [];
    for await (const chunk of (await store().open(stored.key))!) pieces.push(chunk as Buffer);
    expect(pieces.length).toBeGreaterThan(1);
    expect(Buffer.concat(pieces).equals(body)).toBe(true);
    expect(await store().open(keyOf("inc-5", Buffer.from("other"), "kworkerd"))).toBeNull();
    // An object gone between the look and the read: the stream's error is a 502, not the library's.
    const opened = (await store().open(stored.key))!;
    await storage.bucket(sim.ready.evidenceBucket).file(`airlock/${stored.key}`).delete();
    const logs = captureLogsForTests();
    const err = await buffer(opened)
      .catch((e: unknown) => e)
      .finally(() => logs.restore());
    expect(err).toMatchObject({ status: 502, reason: "evidence-store-failed", message: expect.stringMatching(/answered 404 .*while reading evidence/) });
    // A stream that fails leaves nothing behind.
    const broken = new Readable({ read() {} });
    broken.push(Buffer.from("partial"));
    setImmediate(() => broken.destroy(new Error("source went away")));
    await expect(store().putStream("inc-6", "x", broken, "application/octet-stream")).rejects.toThrow(/source went away/);
    expect((await storage.bucket(sim.ready.evidenceBucket).getFiles({ prefix: "airlock/inc-6/" }))[0]).toEqual([]);
  });
});
