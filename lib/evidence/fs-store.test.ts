import { createHash } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { afterAll, expect, it } from "vitest";
import { EvidenceTamperedError } from "./errors";
import { FsEvidenceStore } from "./fs-store";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "airlock-evidence-fs-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

it("writes each artifact once under its incident's directory and reads it back", async () => {
  const store = new FsEvidenceStore(dir);
  const body = Buffer.from("pod manifest\n");
  await store.put("inc-1/abc-pod.json", body, "application/json");
  expect(fs.readFileSync(path.join(dir, "inc-1", "abc-pod.json"), "utf8")).toBe("pod manifest\n");
  expect((await store.get("inc-1/abc-pod.json"))?.equals(body)).toBe(true);
  // A retried step stores the same bytes again: accepted, unchanged.
  await store.put("inc-1/abc-pod.json", body, "application/json");
  await expect(store.put("inc-1/abc-pod.json", Buffer.from("something else"), "application/json")).rejects.toThrow(/different content/);
  expect(fs.readdirSync(path.join(dir, "inc-1"))).toEqual(["abc-pod.json"]);
});

it("answers null for a missing key and refuses keys that would leave the store", async () => {
  const store = new FsEvidenceStore(dir);
  expect(await store.get("inc-1/missing")).toBeNull();
  for (const key of ["../etc/passwd", "inc-1/../../x", "a/b/c", "/abs", "inc-1/.."]) {
    await expect(store.put(key, Buffer.from("x"), "text/plain"), key).rejects.toThrow(/invalid evidence key/);
  }
});

it("streams a body in, files it under its SHA-256, and re-hashes it on read (a changed file is refused)", async () => {
  const store = new FsEvidenceStore(dir);
  const body = Buffer.alloc(2 * 1024 * 1024 + 3, 0x41);
  const sha = createHash("sha256").update(body).digest("hex");
  const stored = await store.putStream("inc-9", "kworkerd", Readable.from([body.subarray(0, 65536), body.subarray(65536)]));
  expect(stored).toEqual({ key: `inc-9/${sha}-kworkerd`, sha256: sha, size: body.length });
  expect(fs.readdirSync(path.join(dir, "inc-9"))).toEqual([`${sha}-kworkerd`]);
  expect(await store.verify(stored.key)).toEqual(stored);
  expect(await store.putStream("inc-9", "kworkerd", Readable.from([body]))).toEqual(stored);
  expect(fs.readdirSync(path.join(dir, "inc-9"))).toEqual([`${sha}-kworkerd`]);
  const file = path.join(dir, "inc-9", `${sha}-kworkerd`);
  fs.chmodSync(file, 0o600);
  fs.writeFileSync(file, "forged");
  await expect(store.verify(stored.key)).rejects.toBeInstanceOf(EvidenceTamperedError);
  const broken = new Readable({ read() {} });
  broken.push(Buffer.from("partial"));
  setImmediate(() => broken.destroy(new Error("source went away")));
  await expect(store.putStream("inc-10", "x", broken)).rejects.toThrow(/source went away/);
  expect(fs.readdirSync(path.join(dir, "inc-10"))).toEqual([]);
});
