import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { afterAll, beforeAll, expect, it } from "vitest";
import { listEntries } from "@/lib/audit/append";
import { finishRun, startRun } from "@/lib/containment/runs";
import { artifact } from "@/lib/containment/steps/support/artifacts";
import { caller, freshDb, givenIncident } from "@/lib/containment/testing";
import type { Db } from "@/lib/store";
import { FsEvidenceStore } from "./fs-store";
import { listEvidence, readArtifact } from "./list";
import { EVIDENCE_STORED, sha256Hex, storeArtifact, storeStream } from "./sink";
import { setEvidenceStoreForTests } from "./store";

let db: Db;
let close: () => Promise<void>;
let store: FsEvidenceStore;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "airlock-evidence-sink-"));
const analyst = caller("analyst@x.com", "analyst");

beforeAll(async () => {
  ({ db, close } = await freshDb());
  store = new FsEvidenceStore(dir);
  setEvidenceStoreForTests(store);
});
afterAll(async () => {
  setEvidenceStoreForTests(undefined);
  await close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const opts = (incidentId: string, runId: string | null = "run-1") => ({
  db,
  incidentId,
  stepId: "collect-evidence",
  runId,
  actor: analyst.email,
  role: "analyst",
});

it("stores an artifact with its recomputed hash, one row and one evidence-stored entry, once per run", async () => {
  const inc = await givenIncident(analyst);
  const a = artifact("logs-app.log", "text/plain; charset=utf-8", "2024-01-01T00:00:00Z mining…\n", "/api/v1/namespaces/shop/pods/p/log?container=app");
  const row = await storeArtifact(opts(inc.id), a);
  expect(row).toMatchObject({ name: "logs-app.log", sha256: a.sha256, size: a.size, source: a.source, collected_at: a.at, storage: "fs" });
  expect(row.storage_key).toBe(`${inc.id}/${a.sha256}-logs-app.log`);
  expect(fs.readFileSync(path.join(dir, inc.id, `${a.sha256}-logs-app.log`), "utf8")).toBe(a.body);

  // The executor retries a whole step: the same artifact in the same run is not stored twice.
  expect((await storeArtifact(opts(inc.id), a)).id).toBe(row.id);
  const entries = (await listEntries(db, { incidentId: inc.id })).filter((e) => e.kind === EVIDENCE_STORED);
  expect(entries).toHaveLength(1);
  expect(entries[0]).toMatchObject({
    stepId: "collect-evidence",
    actor: analyst.email,
    details: { artifactId: row.id, name: a.name, sha256: a.sha256, size: a.size, source: a.source },
  });

  const listed = await listEvidence(inc.id);
  expect(listed.artifacts).toEqual([expect.objectContaining({ id: row.id, sha256: a.sha256, entryId: entries[0].id })]);
  const { body, artifact: got } = await readArtifact(inc.id, row.id);
  expect(sha256Hex(body)).toBe(a.sha256);
  expect(got.contentType).toBe("text/plain; charset=utf-8");
});

it("refuses a body that does not match the hash it was collected with", async () => {
  const inc = await givenIncident(analyst);
  const a = artifact("pod.json", "application/json", "{}\n", "/api/v1/namespaces/shop/pods/p");
  await expect(storeArtifact(opts(inc.id), { ...a, body: '{"edited":true}\n' })).rejects.toThrow(/does not match/);
  expect((await listEvidence(inc.id)).artifacts).toEqual([]);
});

it("refuses to serve an artifact whose stored file was changed or removed", async () => {
  const inc = await givenIncident(analyst);
  const a = artifact("events.json", "application/json", '{"items":[]}\n', "/api/v1/namespaces/shop/events");
  const row = await storeArtifact(opts(inc.id), a);
  const file = path.join(dir, row.storage_key);
  fs.chmodSync(file, 0o600);
  fs.writeFileSync(file, '{"items":["forged"]}\n');
  await expect(readArtifact(inc.id, row.id)).rejects.toMatchObject({ status: 409, reason: "evidence-tampered" });
  fs.rmSync(file);
  await expect(readArtifact(inc.id, row.id)).rejects.toMatchObject({ status: 410 });
  await expect(readArtifact(inc.id, "00000000-0000-4000-8000-000000000000")).rejects.toMatchObject({ status: 404 });
});

it("lists the disk snapshot snapshot-node-disk recorded, with its source disk", async () => {
  const inc = await givenIncident(analyst);
  const run = await startRun(db, {
    incidentId: inc.id,
    stepId: "snapshot-node-disk",
    operation: "execute",
    planHash: "h",
    params: {},
    actor: analyst.email,
    role: "analyst",
  });
  const sourceDisk = "https://www.googleapis.com/compute/v1/projects/acme-prod/zones/us-central1-a/disks/gke-node-1";
  await finishRun(db, run.id, {
    status: "succeeded",
    message: "taken",
    record: { snapshot: "airlock-x-gke-node-1", sourceDisk, disk: "gke-node-1", zone: "us-central1-a", project: "acme-prod", status: "READY" },
  });
  const { snapshots } = await listEvidence(inc.id);
  expect(snapshots).toEqual([
    expect.objectContaining({ snapshot: "airlock-x-gke-node-1", sourceDisk, disk: "gke-node-1", status: "READY", takenBy: analyst.email }),
  ]);
});

it("stores a streamed artifact under the hash it had when it arrived, with one row and one entry, and serves it back", async () => {
  const inc = await givenIncident(analyst);
  const bytes = Buffer.alloc(300_000, 0x7f);
  const meta = {
    name: "file-p_tmp_.X11-unix_kworkerd",
    contentType: "application/octet-stream",
    source: "/api/v1/namespaces/shop/pods/p/exec",
    at: "2026-01-01T00:00:00Z",
  };
  const row = await storeStream({ ...opts(inc.id), stepId: "acquire-files" }, meta, Readable.from([bytes.subarray(0, 1000), bytes.subarray(1000)]));
  expect(row).toMatchObject({
    name: meta.name,
    sha256: sha256Hex(bytes),
    size: bytes.length,
    step_id: "acquire-files",
    storage_key: `${inc.id}/${sha256Hex(bytes)}-${meta.name}`,
  });
  expect((await storeStream({ ...opts(inc.id), stepId: "acquire-files" }, meta, Readable.from([bytes]))).id).toBe(row.id);
  const entries = (await listEntries(db, { incidentId: inc.id })).filter((e) => e.kind === EVIDENCE_STORED);
  expect(entries).toHaveLength(1);
  expect(entries[0].details).toMatchObject({ sha256: sha256Hex(bytes), size: bytes.length });
  expect((await readArtifact(inc.id, row.id)).body.equals(bytes)).toBe(true);
});
