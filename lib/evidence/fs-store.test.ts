import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, expect, it } from "vitest";
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
