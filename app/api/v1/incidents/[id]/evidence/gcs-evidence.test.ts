import { createHash } from "node:crypto";
import { Storage } from "@google-cloud/storage";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { POST as executeRoute } from "@/app/api/v1/incidents/[id]/steps/[stepId]/execute/route";
import { POST as planRoute } from "@/app/api/v1/incidents/[id]/steps/[stepId]/plan/route";
import { POST as openRoute } from "@/app/api/v1/incidents/route";
import { callRoute, routeResponse, userToken, type Json } from "@/app/api/v1/testing";
import { resetConfigForTests } from "@/lib/config";
import { compromisedPod, PAYMENTS, startSim } from "@/lib/containment/steps/support/testing";
import { freshDb } from "@/lib/containment/testing";
import { safeName } from "@/lib/evidence/sink";
import { evidenceStore, setEvidenceStoreForTests } from "@/lib/evidence/store";
import { resetGcpClientsForTests, storageOptions } from "@/lib/gcp/clients";
import type { Db } from "@/lib/store";
import type { SimProcess } from "@/sim/test/harness";
import { GET as downloadRoute } from "./[artifactId]/route";
import { GET as evidenceRoute } from "./route";

// EVIDENCE_STORE=gcs end to end: collect-evidence through the executor (plan → execute over the
// API) stores each artifact as a write-once object in the simulator's Cloud Storage bucket, a
// second write of the same object is refused by Cloud Storage and taken as already stored, and
// the download door serves every object with the SHA-256 it was collected with.

const PREFIX = "airlock-it";
const sha = (b: Buffer) => createHash("sha256").update(b).digest("hex");
const saved = { ...process.env };

let sim: SimProcess;
let db: Db;
let close: () => Promise<void>;
let storage: Storage;
let analyst: string;
let lead: string;
let incidentId: string;

beforeAll(async () => {
  sim = await startSim();
  process.env.GOOGLE_STORAGE_ENDPOINT = sim.ready.storageEndpoint;
  process.env.EVIDENCE_STORE = "gcs";
  process.env.EVIDENCE_BUCKET = sim.ready.evidenceBucket;
  process.env.EVIDENCE_PREFIX = PREFIX;
  resetConfigForTests();
  resetGcpClientsForTests();
  setEvidenceStoreForTests(undefined);
  ({ db, close } = await freshDb());
  analyst = await userToken(db, "analyst@x.com", ["analyst"]);
  lead = await userToken(db, "lead@x.com", ["lead"]);
  storage = new Storage(storageOptions(sim.ready.storageEndpoint));
});
afterAll(async () => {
  process.env = { ...saved };
  resetConfigForTests();
  resetGcpClientsForTests();
  setEvidenceStoreForTests(undefined);
  await close?.();
  await sim?.stop();
});

async function collect(params?: Json): Promise<Json> {
  const p = { id: incidentId, stepId: "collect-evidence" };
  const base = `/api/v1/incidents/${incidentId}/steps/collect-evidence`;
  const plan = await callRoute(planRoute, "POST", `${base}/plan`, p, analyst, params ? { params } : {});
  expect(plan.status, JSON.stringify(plan.body)).toBe(200);
  const done = await callRoute(executeRoute, "POST", `${base}/execute`, p, analyst, { planHash: plan.body.planHash, ...(params ? { params } : {}) });
  expect(done.status, JSON.stringify(done.body)).toBe(200);
  return done.body;
}

async function listed(): Promise<Json[]> {
  const res = await callRoute(evidenceRoute, "GET", `/api/v1/incidents/${incidentId}/evidence`, { id: incidentId }, lead);
  expect(res.status).toBe(200);
  return res.body.artifacts;
}

async function objects(): Promise<Map<string, Json>> {
  const [files] = await storage.bucket(sim.ready.evidenceBucket).getFiles({ prefix: `${PREFIX}/${incidentId}/` });
  return new Map(files.map((f) => [f.name, f.metadata as Json]));
}

describe("collect-evidence with EVIDENCE_STORE=gcs against the simulator", () => {
  it("stores every artifact as an object <prefix>/<incident>/<sha256>-<name> with its hash, source and content type", async () => {
    expect(evidenceStore().kind).toBe("gcs");
    const pod = await compromisedPod();
    const opened = await callRoute(openRoute, "POST", "/api/v1/incidents", {}, analyst, {
      cluster: PAYMENTS,
      namespace: "shop",
      pod,
      title: "Miner (gcs evidence)",
    });
    expect(opened.status).toBe(201);
    incidentId = opened.body.id;

    const result = await collect();
    expect(result.outcome).toBe("success");
    const artifacts = await listed();
    expect(artifacts.map((a) => a.name)).toContain(`pod-${pod}.json`);
    expect(artifacts.every((a) => a.storage === "gcs")).toBe(true);

    const stored = await objects();
    expect(stored.size).toBe(artifacts.length);
    for (const a of artifacts) {
      const object = [...stored.entries()].find(([name]) => name.startsWith(`${PREFIX}/${incidentId}/${a.sha256}-`));
      expect(object, a.name).toBeDefined();
      expect(object![1]).toMatchObject({
        contentType: a.contentType,
        size: String(a.size),
        metadata: { sha256: a.sha256, source: a.source, incident: incidentId },
      });
    }
  });

  it("refuses a second write of the same object (412) and takes it as already stored: a re-collection keeps every object's generation", async () => {
    const before = await objects();
    const [name, meta] = [...before.entries()][0];
    // Cloud Storage itself refuses to replace the object.
    const overwrite = storage
      .bucket(sim.ready.evidenceBucket)
      .file(name)
      .save("forged", { resumable: false, preconditionOpts: { ifGenerationMatch: 0 } });
    await expect(overwrite).rejects.toMatchObject({ code: 412 });

    // The store writes the same key again with the same bytes: accepted, nothing replaced.
    const key = name.slice(PREFIX.length + 1);
    const [body] = await storage.bucket(sim.ready.evidenceBucket).file(name).download();
    await evidenceStore().put(key, body, meta.contentType);

    // A second collection through the executor writes every unchanged artifact again.
    const again = await collect({ recollect: true });
    expect(again.outcome).toBe("success");
    const byRun = new Map<string, Set<string>>();
    for (const a of await listed()) byRun.set(a.runId, (byRun.get(a.runId) ?? new Set()).add(a.sha256));
    const [first, second] = [...byRun.values()];
    expect(byRun.size).toBe(2);
    // The same bytes in both runs: the second run's write of those objects met the 412.
    expect([...second].filter((h) => first.has(h)).length).toBeGreaterThan(0);
    const after = await objects();
    for (const [n, m] of before) expect(after.get(n)?.generation, n).toBe(m.generation);
  });

  it("serves every artifact from the bucket with the SHA-256 it was collected with", async () => {
    const artifacts = await listed();
    expect(artifacts.length).toBeGreaterThan(0);
    for (const a of artifacts) {
      const res = await routeResponse(downloadRoute, "GET", `/api/v1/incidents/${incidentId}/evidence/${a.id}`, { id: incidentId, artifactId: a.id }, lead);
      expect(res.status, a.name).toBe(200);
      const body = Buffer.from(await res.arrayBuffer());
      expect(res.headers.get("x-content-sha256")).toBe(a.sha256);
      expect(sha(body)).toBe(a.sha256);
      expect(body.length).toBe(a.size);
    }
  });

  it("refuses to serve an object replaced in the bucket behind Airlock's back (409)", async () => {
    const [a] = await listed();
    const file = storage.bucket(sim.ready.evidenceBucket).file(`${PREFIX}/${incidentId}/${a.sha256}-${safeName(a.name)}`);
    const [meta] = await file.getMetadata();
    await file.save("forged\n", { resumable: false, preconditionOpts: { ifGenerationMatch: Number(meta.generation) } });
    const res = await callRoute(downloadRoute, "GET", `/api/v1/incidents/${incidentId}/evidence/${a.id}`, { id: incidentId, artifactId: a.id }, lead);
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ error: { reason: "evidence-tampered" } });
    expect(JSON.stringify(res.body)).not.toMatch(/127\.0\.0\.1|storage\/v1/);
  });
});
