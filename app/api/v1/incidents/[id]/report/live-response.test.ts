import { createHash } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { NextRequest } from "next/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GET as downloadRoute } from "@/app/api/v1/incidents/[id]/evidence/[artifactId]/route";
import { GET as evidenceRoute } from "@/app/api/v1/incidents/[id]/evidence/route";
import { POST as executeRoute } from "@/app/api/v1/incidents/[id]/steps/[stepId]/execute/route";
import { POST as planRoute } from "@/app/api/v1/incidents/[id]/steps/[stepId]/plan/route";
import { POST as openRoute } from "@/app/api/v1/incidents/route";
import { createToken, createUser } from "@/lib/auth";
import { compromisedPod, PAYMENTS, shell, startSim } from "@/lib/containment/steps/support/testing";
import { freshDb } from "@/lib/containment/testing";
import { FsEvidenceStore } from "@/lib/evidence/fs-store";
import { setEvidenceStoreForTests } from "@/lib/evidence/store";
import type { Db } from "@/lib/store";
import type { SimProcess } from "@/sim/test/harness";
import { GET as reportRoute } from "./route";

// Live response through the API doors and the executor's own evidence sink (streamed files
// included), then the incident report: the triage outputs and the copied miner are listed
// with their SHA-256, download with it, and each step's live state says where things are.

type Handler = (req: NextRequest, ctx: { params: Promise<Record<string, string>> }) => Promise<Response>;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = Record<string, any>;

let sim: SimProcess;
let db: Db;
let close: () => Promise<void>;
const evidenceDir = fs.mkdtempSync(path.join(os.tmpdir(), "airlock-live-response-"));
const tokens = { analyst: "", lead: "" };
const MINER = "/tmp/.X11-unix/kworkerd";

beforeAll(async () => {
  sim = await startSim();
  ({ db, close } = await freshDb());
  setEvidenceStoreForTests(new FsEvidenceStore(evidenceDir));
  for (const role of ["analyst", "lead"] as const)
    tokens[role] = (await createToken(db, (await createUser(db, { email: `${role}@x.com`, roles: [role] })).id, "t")).token;
});
afterAll(async () => {
  setEvidenceStoreForTests(undefined);
  await close?.();
  await sim?.stop();
  fs.rmSync(evidenceDir, { recursive: true, force: true });
});

async function raw(handler: Handler, method: string, url: string, params: Record<string, string>, token: string, body?: unknown) {
  const headers: Record<string, string> = { authorization: `Bearer ${token}` };
  if (body !== undefined) headers["content-type"] = "application/json";
  return handler(new NextRequest(`http://airlock.test${url}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) }), {
    params: Promise.resolve(params),
  });
}
async function call(handler: Handler, method: string, url: string, params: Record<string, string>, token: string, body?: unknown) {
  const res = await raw(handler, method, url, params, token, body);
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : undefined) as Json };
}

describe("live response in the evidence list and the report", () => {
  it("debug-container, acquire-files and checkpoint-container: stored with SHA-256, downloadable, and in the report", async () => {
    const pod = await compromisedPod();
    const opened = await call(openRoute, "POST", "/api/v1/incidents", {}, tokens.analyst, {
      cluster: PAYMENTS,
      namespace: "shop",
      pod,
      title: "Live response",
    });
    expect(opened.status).toBe(201);
    const id = opened.body.id as string;
    const run = async (stepId: string, params: Json = {}) => {
      const p = { id, stepId };
      const plan = await call(planRoute, "POST", "/x", p, tokens.analyst, { params });
      expect(plan.status, JSON.stringify(plan.body)).toBe(200);
      const again = await call(planRoute, "POST", "/x", p, tokens.analyst, { params });
      expect(again.body).toEqual(plan.body);
      const done = await call(executeRoute, "POST", "/x", p, tokens.analyst, { planHash: plan.body.planHash, params });
      expect(done.status, JSON.stringify(done.body)).toBe(200);
      return done.body;
    };
    await run("debug-container");
    await run("acquire-files", { paths: `${MINER} /tmp/.t` });
    await run("checkpoint-container");

    const listed = await call(evidenceRoute, "GET", "/x", { id }, tokens.analyst);
    const byStep = (s: string) => (listed.body.artifacts as Json[]).filter((a) => a.stepId === s);
    expect(byStep("debug-container").map((a) => a.name)).toContain("triage-checkout-network.txt");
    const miner = byStep("acquire-files").find((a) => a.name.endsWith("kworkerd"))!;

    // The real kubectl cp of the same file hashes the same as what the store holds and serves.
    const dest = path.join(evidenceDir, "kworkerd-cp");
    await shell(sim, `kubectl --context ${PAYMENTS} cp -c checkout shop/${pod}:${MINER} ${dest}`);
    const copied = fs.readFileSync(dest);
    const sha = createHash("sha256").update(copied).digest("hex");
    expect(miner).toMatchObject({ sha256: sha, size: copied.length });
    const res = await raw(downloadRoute, "GET", "/x", { id, artifactId: miner.id }, tokens.lead);
    expect(res.headers.get("x-content-sha256")).toBe(sha);
    expect(Buffer.from(await res.arrayBuffer()).equals(copied)).toBe(true);

    const report = (await (await raw(reportRoute, "GET", `/x?format=json`, { id }, tokens.lead)).json()) as Json;
    const live = (step: string) => (report.liveState as Json[]).find((l) => l.stepId === step);
    expect(live("debug-container")).toMatchObject({ holds: true });
    expect(live("acquire-files")).toMatchObject({ holds: true, message: expect.stringContaining("2 of 2 files") });
    expect(live("checkpoint-container")).toMatchObject({ holds: true, message: expect.stringMatching(/\/var\/lib\/kubelet\/checkpoints\/checkpoint-/) });
    const md = await (await raw(reportRoute, "GET", `/x?format=md`, { id }, tokens.lead)).text();
    expect(md).toContain(sha);
    expect(md).toContain("198.51.100.23:3333");
  });
});
