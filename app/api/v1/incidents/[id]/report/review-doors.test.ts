import { createHash } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { PatchStrategy, setHeaderOptions } from "@kubernetes/client-node";
import { sql } from "kysely";
import { NextRequest } from "next/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GET as verifyRoute } from "@/app/api/v1/audit/verify/route";
import { GET as commentsRoute, POST as commentRoute } from "@/app/api/v1/incidents/[id]/comments/route";
import { GET as downloadRoute } from "@/app/api/v1/incidents/[id]/evidence/[artifactId]/route";
import { GET as evidenceRoute } from "@/app/api/v1/incidents/[id]/evidence/route";
import { GET as reviewGetRoute, POST as reviewRoute } from "@/app/api/v1/incidents/[id]/review/route";
import { POST as executeRoute } from "@/app/api/v1/incidents/[id]/steps/[stepId]/execute/route";
import { POST as planRoute } from "@/app/api/v1/incidents/[id]/steps/[stepId]/plan/route";
import { POST as undoRoute } from "@/app/api/v1/incidents/[id]/steps/[stepId]/undo/route";
import { POST as undoPlanRoute } from "@/app/api/v1/incidents/[id]/steps/[stepId]/undo/plan/route";
import { GET as incidentTimelineRoute } from "@/app/api/v1/incidents/[id]/timeline/route";
import { POST as openRoute } from "@/app/api/v1/incidents/route";
import { GET as timelineRoute } from "@/app/api/v1/timeline/route";
import { createToken, createUser } from "@/lib/auth";
import { compromisedPod, PAYMENTS, simRequestSeq, simWritesSince, startSim } from "@/lib/containment/steps/support/testing";
import { freshDb } from "@/lib/containment/testing";
import { FsEvidenceStore } from "@/lib/evidence/fs-store";
import { setEvidenceStoreForTests } from "@/lib/evidence/store";
import { kubeApis } from "@/lib/kube/clients";
import type { Db } from "@/lib/store";
import type { SimProcess } from "@/sim/test/harness";
import { GET as reportRoute } from "./route";

// The lead's doors against the simulator process: evidence, report, timeline filters, comments,
// review and audit verification, all over the route handlers with API tokens.

type Handler = (req: NextRequest, ctx: { params: Promise<Record<string, string>> }) => Promise<Response>;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = Record<string, any>;

let sim: SimProcess;
let db: Db;
let close: () => Promise<void>;
const evidenceDir = fs.mkdtempSync(path.join(os.tmpdir(), "airlock-review-evidence-"));
const tokens: Record<"analyst" | "lead" | "admin" | "approver", string> = { analyst: "", lead: "", admin: "", approver: "" };
let incidentId: string;
let pod: string;
const TITLE = "Crypto miner in checkout (review test)";

beforeAll(async () => {
  sim = await startSim();
  ({ db, close } = await freshDb());
  setEvidenceStoreForTests(new FsEvidenceStore(evidenceDir));
  for (const role of ["analyst", "lead", "admin", "approver"] as const) {
    const user = await createUser(db, { email: `${role}@x.com`, roles: [role] });
    tokens[role] = (await createToken(db, user.id, "t")).token;
  }
});
afterAll(async () => {
  setEvidenceStoreForTests(undefined);
  await close?.();
  await sim?.stop();
  fs.rmSync(evidenceDir, { recursive: true, force: true });
});

async function raw(handler: Handler, method: string, url: string, params: Record<string, string>, token?: string, body?: unknown) {
  const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
  if (body !== undefined) headers["content-type"] = "application/json";
  const req = new NextRequest(`http://airlock.test${url}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  return handler(req, { params: Promise.resolve(params) });
}

async function call(handler: Handler, method: string, url: string, params: Record<string, string>, token?: string, body?: unknown) {
  const res = await raw(handler, method, url, params, token, body);
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : undefined) as Json };
}

async function run(stepId: string, token = tokens.analyst) {
  const p = { id: incidentId, stepId };
  const base = `/api/v1/incidents/${incidentId}/steps/${stepId}`;
  const plan = await call(planRoute, "POST", `${base}/plan`, p, token, {});
  expect(plan.status, JSON.stringify(plan.body)).toBe(200);
  const done = await call(executeRoute, "POST", `${base}/execute`, p, token, { planHash: plan.body.planHash });
  expect(done.status, JSON.stringify(done.body)).toBe(200);
  return done.body;
}

const report = (format: "md" | "json", token = tokens.lead) =>
  raw(reportRoute, "GET", `/api/v1/incidents/${incidentId}/report?format=${format}`, { id: incidentId }, token);
const reportJson = async (token = tokens.lead) => (await (await report("json", token)).json()) as Json;
const sha = (b: Buffer | string) => createHash("sha256").update(b).digest("hex");

describe("lead review doors against the simulator", () => {
  it("stores collect-evidence artifacts with matching hashes, lists them with the snapshot, and serves each download with its SHA-256", async () => {
    pod = await compromisedPod();
    const opened = await call(openRoute, "POST", "/api/v1/incidents", {}, tokens.analyst, { cluster: PAYMENTS, namespace: "shop", pod, title: TITLE });
    expect(opened.status).toBe(201);
    incidentId = opened.body.id;

    await run("collect-evidence");
    await run("snapshot-node-disk");

    const listed = await call(evidenceRoute, "GET", `/api/v1/incidents/${incidentId}/evidence`, { id: incidentId }, tokens.analyst);
    expect(listed.status).toBe(200);
    const names = listed.body.artifacts.map((a: Json) => a.name);
    expect(names).toEqual(
      expect.arrayContaining([`pod-${pod}.json`, "service-checkout.json", "networkpolicy-allow-checkout-from-frontend.json", `events-${pod}.json`]),
    );
    expect(names.some((n: string) => n.startsWith("logs-"))).toBe(true);
    for (const a of listed.body.artifacts as Json[]) {
      expect(a.source).toMatch(/^\/api/);
      expect(a.collectedAt).toMatch(/^\d{4}-/);
      const res = await raw(downloadRoute, "GET", `/api/v1/incidents/${incidentId}/evidence/${a.id}`, { id: incidentId, artifactId: a.id }, tokens.lead);
      expect(res.status).toBe(200);
      const body = Buffer.from(await res.arrayBuffer());
      expect(res.headers.get("x-content-sha256")).toBe(a.sha256);
      expect(sha(body)).toBe(a.sha256);
      expect(body.length).toBe(a.size);
    }
    // The pod manifest downloaded is the pod the incident is about.
    const podArtifact = listed.body.artifacts.find((a: Json) => a.name === `pod-${pod}.json`);
    const podRes = await raw(downloadRoute, "GET", "/x", { id: incidentId, artifactId: podArtifact.id }, tokens.analyst);
    expect(JSON.parse(await podRes.text())).toMatchObject({ metadata: { name: pod, namespace: "shop" } });

    const [snapshot] = listed.body.snapshots;
    expect(snapshot.snapshot).toMatch(/^airlock-/);
    expect(snapshot.sourceDisk).toMatch(/\/disks\//);

    // One evidence-stored entry per artifact, carrying its hash.
    const tl = await call(incidentTimelineRoute, "GET", `/api/v1/incidents/${incidentId}/timeline`, { id: incidentId }, tokens.analyst);
    const stored = tl.body.items.filter((e: Json) => e.kind === "evidence-stored");
    expect(stored.map((e: Json) => e.details.sha256).sort()).toEqual(listed.body.artifacts.map((a: Json) => a.sha256).sort());
    expect(fs.readdirSync(path.join(evidenceDir, incidentId))).toHaveLength(listed.body.artifacts.length);
  });

  it("answers 401, 403 and 400 at the evidence doors", async () => {
    const p = { id: incidentId };
    expect((await call(evidenceRoute, "GET", "/x", p)).status).toBe(401);
    expect((await call(evidenceRoute, "GET", "/x", p, tokens.admin)).status).toBe(403);
    expect((await call(downloadRoute, "GET", "/x", { id: incidentId, artifactId: "../../etc/passwd" }, tokens.lead)).status).toBe(400);
    expect((await call(reportRoute, "GET", "/x?format=pdf", p, tokens.lead)).status).toBe(400);
  });

  it("reports commands in order, evidence with hashes and the live state, which follows an undo and changes made behind Airlock's back", async () => {
    await run("cordon-node");
    await run("label-quarantine");

    const r = await reportJson();
    expect(r.incident).toMatchObject({ id: incidentId, title: TITLE });
    expect(r.targets).toMatchObject({ pod, namespace: "shop", cluster: PAYMENTS });
    expect(r.commands.map((c: Json) => c.stepId)).toEqual(["collect-evidence", "snapshot-node-disk", "cordon-node", "label-quarantine"]);
    expect(r.commands.find((c: Json) => c.stepId === "cordon-node").commands).toEqual([expect.stringMatching(/^kubectl .*cordon /)]);
    expect(r.evidence.artifacts.length).toBeGreaterThan(3);
    expect(r.liveState.map((l: Json) => [l.stepId, l.holds])).toEqual([
      ["collect-evidence", true],
      ["snapshot-node-disk", true],
      ["cordon-node", true],
      ["label-quarantine", true],
    ]);
    expect(r.auditChain).toMatchObject({ ok: true });
    expect(r.summary).toMatchObject({ stillInPlace: 4, stillHolding: 4, chainIntact: true, reviewed: false });
    expect(r.timeline.map((e: Json) => e.kind)).toEqual(expect.arrayContaining(["incident-opened", "plan", "intent", "result", "verify", "evidence-stored"]));

    const md = await report("md");
    expect(md.headers.get("content-type")).toMatch(/^text\/markdown/);
    expect(md.headers.get("content-disposition")).toMatch(/attachment; filename="incident-.*-report\.md"/);
    const text = await md.text();
    expect(text).toContain(`# Incident report: ${TITLE}`);
    expect(text).toMatch(/\*\*Audit chain: intact\*\*/);
    expect(text).toContain(r.evidence.artifacts[0].sha256);
    expect(text).toMatch(/kubectl .*cordon /);
    expect(text).toContain(r.evidence.snapshots[0].snapshot);
    expect(text).toContain("## Containment board (read live at report time)");
    expect(text).toMatch(/\| Workload \(cordoned, drained, orphaned\) \| in effect \| .*cordoned/);

    // Undo through Airlock: the cordon is no longer in place.
    const undoPlan = await call(undoPlanRoute, "POST", "/x", { id: incidentId, stepId: "cordon-node" }, tokens.analyst);
    const undo = await call(undoRoute, "POST", "/x", { id: incidentId, stepId: "cordon-node" }, tokens.analyst, { planHash: undoPlan.body.planHash });
    expect(undo.status, JSON.stringify(undo.body)).toBe(200);
    // Someone removes the quarantine label directly in the cluster: the report reads it live.
    await kubeApis(PAYMENTS).core.patchNamespacedPod(
      { name: pod, namespace: "shop", body: [{ op: "remove", path: "/metadata/labels/quarantine" }] },
      setHeaderOptions("Content-Type", PatchStrategy.JsonPatch),
    );
    const after = await reportJson();
    expect(after.liveState.map((l: Json) => [l.stepId, l.holds])).toEqual([
      ["collect-evidence", true],
      ["snapshot-node-disk", true],
      ["label-quarantine", false],
    ]);
    expect(after.liveState.find((l: Json) => l.stepId === "label-quarantine").message).toMatch(/does not carry quarantine=true/);
    expect(after.summary).toMatchObject({ stillInPlace: 3, stillHolding: 2 });
    const layer = (l: string) => after.containment.rows.find((x: Json) => x.layer === l);
    expect(layer("workload")).toMatchObject({ state: "released" });
    expect(layer("evidence")).toMatchObject({ state: "in-effect" });
    expect(layer("credentials").why).toMatch(/stolen service-account token still works/);
    expect(after.containment.timeToContain).toMatchObject({ openedFrom: "incident", containedAt: null });
    expect(after.timeline.some((e: Json) => e.kind === "undo" && e.stepId === "cordon-node" && e.outcome === "success")).toBe(true);
  });

  it("filters the timeline across incidents by incident, actor, step, outcome and time", async () => {
    const q = (query: string, token = tokens.lead) => call(timelineRoute, "GET", `/api/v1/timeline?${query}`, {}, token);
    const cordon = await q(`incidentId=${incidentId}&stepId=cordon-node&outcome=success`);
    expect(cordon.status).toBe(200);
    expect(cordon.body.items.map((e: Json) => e.kind)).toEqual(["undo", "result"]);
    expect(cordon.body.items[0].incidentTitle).toBe(TITLE);
    const byActor = await q(`actor=analyst@x.com&kind=intent&incidentId=${incidentId}`);
    expect(byActor.body.items.map((e: Json) => e.stepId)).toEqual(["cordon-node", "label-quarantine", "cordon-node", "snapshot-node-disk", "collect-evidence"]);
    expect((await q("actor=nobody@x.com")).body.items).toEqual([]);
    expect((await q(`incidentId=${incidentId}&to=2000-01-01T00:00:00Z`)).body.items).toEqual([]);
    const paged = await q(`incidentId=${incidentId}&limit=2`);
    expect(paged.body.items).toHaveLength(2);
    const next = await q(`incidentId=${incidentId}&limit=2&before=${paged.body.next}`);
    expect(next.body.items[0].id).toBeLessThan(paged.body.items[1].id);
    expect((await q("outcome=great")).status).toBe(400);
    expect((await q("", tokens.admin)).status).toBe(403);
    expect((await q("", tokens.analyst)).status).toBe(200);
  });

  it("lets only a lead comment and mark reviewed (analyst and approver: 403)", async () => {
    const p = { id: incidentId };
    const tl = await call(incidentTimelineRoute, "GET", "/x", p, tokens.lead);
    const result = tl.body.items.find((e: Json) => e.kind === "result" && e.stepId === "cordon-node");
    for (const who of ["analyst", "approver"] as const) {
      expect((await call(commentRoute, "POST", "/x", p, tokens[who], { entryId: result.id, text: "ok" })).status).toBe(403);
      expect((await call(reviewRoute, "POST", "/x", p, tokens[who], {})).status).toBe(403);
    }
    expect((await call(commentRoute, "POST", "/x", p, tokens.lead, { entryId: result.id, text: "" })).status).toBe(400);
    const c = await call(commentRoute, "POST", "/x", p, tokens.lead, { entryId: result.id, text: "Cordon was right; uncordoned after the snapshot." });
    expect(c.status).toBe(201);
    expect(c.body).toMatchObject({ kind: "comment", actor: "lead@x.com", stepId: "cordon-node", details: { entryId: result.id } });
    expect((await call(commentsRoute, "GET", "/x", p, tokens.analyst)).body.items.map((e: Json) => e.id)).toEqual([c.body.id]);

    expect((await call(reviewGetRoute, "GET", "/x", p, tokens.analyst)).body).toEqual({ reviewed: false, review: null });
    const reviewed = await call(reviewRoute, "POST", "/x", p, tokens.lead, { note: "Contained; evidence complete" });
    expect(reviewed.status).toBe(201);
    expect((await call(reviewRoute, "POST", "/x", p, tokens.lead, {})).status).toBe(409);
    expect((await call(reviewGetRoute, "GET", "/x", p, tokens.analyst)).body).toMatchObject({ reviewed: true, review: { reviewedBy: "lead@x.com" } });
    const r = await reportJson(tokens.analyst);
    expect(r.review).toMatchObject({ reviewedBy: "lead@x.com", note: "Contained; evidence complete" });
    expect(r.timeline.at(-1)).toMatchObject({ kind: "incident-reviewed", actor: "lead@x.com" });
  });

  it("verifies the audit chain for leads and admins, and names a row edited in the database", async () => {
    expect((await call(verifyRoute, "GET", "/api/v1/audit/verify", {}, tokens.analyst)).status).toBe(403);
    expect((await call(verifyRoute, "GET", "/api/v1/audit/verify", {}, tokens.approver)).status).toBe(403);
    const ok = await call(verifyRoute, "GET", "/api/v1/audit/verify", {}, tokens.admin);
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ ok: true, head: { id: expect.any(Number) } });

    // An attacker with write access to the database lifts the guard and rewrites what the cordon did.
    const victim = (await call(incidentTimelineRoute, "GET", "/x", { id: incidentId }, tokens.lead)).body.items.find(
      (e: Json) => e.kind === "intent" && e.stepId === "cordon-node",
    );
    await sql`drop trigger timeline_no_update`.execute(db);
    await db.updateTable("timeline").set({ actor: "someone-else@x.com" }).where("id", "=", victim.id).execute();

    const bad = await call(verifyRoute, "GET", "/api/v1/audit/verify", {}, tokens.lead);
    expect(bad.status).toBe(200);
    expect(bad.body).toMatchObject({ ok: false, firstBad: { id: victim.id, reason: "edited" } });
    const r = await reportJson();
    expect(r.auditChain).toMatchObject({ ok: false, firstBad: { id: victim.id } });
    expect(await (await report("md")).text()).toContain(`**Audit chain: BROKEN** at entry #${victim.id} (edited)`);
  });

  it("builds the report without writing to the cluster, an attestation on record included", async () => {
    await run("attest-isolation");
    const since = await simRequestSeq(sim);
    expect((await report("json")).status).toBe(200);
    expect((await report("md")).status).toBe(200);
    expect(await simWritesSince(sim, since)).toEqual([]);
    const attestation = (await reportJson()).liveState.find((l: Json) => l.stepId === "attest-isolation");
    expect(attestation.message).toMatch(/^Last attestation at .* min ago/);
    // The attestation document went to the evidence store, hash and all.
    const listed = await call(evidenceRoute, "GET", `/api/v1/incidents/${incidentId}/evidence`, { id: incidentId }, tokens.analyst);
    const doc = (listed.body.artifacts as Json[]).find((a) => /^attestation-.*\.json$/.test(a.name));
    expect(doc?.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(attestation.message).toContain(doc!.sha256.slice(0, 12));
  });
});
