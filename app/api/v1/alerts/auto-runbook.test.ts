import { randomUUID } from "node:crypto";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { autoRunbookSettled } from "@/lib/alerts/auto-runbook";
import { listEntries } from "@/lib/audit/append";
import { resetConfigForTests } from "@/lib/config";
import type { ContainmentBoard } from "@/lib/containment/board-types";
import { ISOLATION_CHECK_STEP } from "@/lib/containment/runbooks/definitions";
import { compromisedPod, PAYMENTS, resetSim, startSim } from "@/lib/containment/steps/support/testing";
import { freshDb } from "@/lib/containment/testing";
import { FsEvidenceStore } from "@/lib/evidence/fs-store";
import { setEvidenceStoreForTests } from "@/lib/evidence/store";
import type { Db } from "@/lib/store";
import type { SimProcess } from "@/sim/test/harness";
import { callRoute, userToken } from "../testing";
import { GET as boardRoute } from "../incidents/[id]/containment/route";
import { POST as falcoRoute } from "./falco/route";
import { falcoAlert, postAlert } from "./testing";

// ALERT_AUTO_RUNBOOK against the simulator: a critical Falco alert opens an incident, collects
// evidence and isolates the pod's network through the runbook engine, with nobody clicking; each
// step is on the timeline as itself, by the policy's actor, and an approval gate still stops it.
// With the setting off, nothing beyond the evidence runs.

const SECRET = "s".repeat(12) + randomUUID();
const POLICY = "airlock (alert policy)";
const ISOLATE_POD = ["label-quarantine", "exclude-from-policies", "apply-deny-all", ISOLATION_CHECK_STEP];

let sim: SimProcess;
let db: Db;
let close: () => Promise<void>;
let analyst: string;

function configure(env: Record<string, string | undefined>) {
  for (const [k, v] of Object.entries(env)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  resetConfigForTests();
}

beforeAll(async () => {
  sim = await startSim();
  configure({
    ALERT_INGEST_SECRET: SECRET,
    ALERT_FALCO_CLUSTERS: JSON.stringify({ "gke-payments-*": PAYMENTS }),
    ALERT_AUTO_OPEN: "critical",
    // Longer than the simulator's --netpol-delay 5: the attestation runs once the policy is in effect.
    NETPOL_PROPAGATION_SECONDS: "6",
  });
});
afterAll(async () => {
  configure({
    ALERT_INGEST_SECRET: undefined,
    ALERT_FALCO_CLUSTERS: undefined,
    ALERT_AUTO_OPEN: undefined,
    ALERT_AUTO_RUNBOOK: undefined,
    NETPOL_PROPAGATION_SECONDS: undefined,
    APPROVAL_POLICY: undefined,
  });
  await sim?.stop();
});
beforeEach(async () => {
  await resetSim(sim);
  const fresh = await freshDb();
  db = fresh.db;
  close = fresh.close;
  analyst = await userToken(db, "analyst@x.com", ["analyst"]);
});
afterEach(async () => {
  setEvidenceStoreForTests(undefined);
  await close?.();
});

/** The demo's compromised pod alerts, as Falcosidekick would post it. */
async function alertOnCompromisedPod() {
  const pod = await compromisedPod();
  const facts = (await (await fetch(`${sim.base}/clusters/payments/api/v1/namespaces/shop/pods/${pod}`)).json()) as { spec: { nodeName: string } };
  const res = await postAlert(falcoRoute, "/api/v1/alerts/falco", falcoAlert({ pod, node: facts.spec.nodeName }), { "x-airlock-ingest-secret": SECRET });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  expect(res.body).toMatchObject({ incident: "opened", evidence: { outcome: "success" } });
  return { id: res.body.incidentId as string, res };
}

const board = async (id: string) => (await callRoute(boardRoute, "GET", `/api/v1/incidents/${id}/containment`, { id }, analyst)).body as ContainmentBoard;
const layer = (b: ContainmentBoard, id: string) => b.rows.find((r) => r.layer === id)!;

describe("ALERT_AUTO_RUNBOOK=isolate-pod", () => {
  it("an alert posted opens an incident, collects evidence and reaches a verified pod-network isolation on the board, with no click", async () => {
    configure({ ALERT_AUTO_RUNBOOK: "isolate-pod", APPROVAL_POLICY: undefined });
    const { id, res } = await alertOnCompromisedPod();
    expect(res.body.runbook).toEqual({ id: "isolate-pod", started: true });

    const outcome = await autoRunbookSettled(id);
    expect(outcome, JSON.stringify(outcome)).toMatchObject({ state: "contained" });

    const b = await board(id);
    for (const l of ["pod-ingress", "pod-egress"]) {
      expect(layer(b, l), JSON.stringify(layer(b, l))).toMatchObject({ state: "in-effect", why: expect.stringMatching(/found it isolated/) });
    }
    expect(b.timeToContain).toMatchObject({ openedFrom: "alert", containedBy: "pod-ingress" });
    // The clock stops when the attestation proved it, not when the board was read after.
    const attested = layer(b, "pod-ingress").provenAt;
    expect(attested).toEqual(expect.any(String));
    expect(b.timeToContain.containedAt).toBe(attested);
    expect(Date.parse(b.checkedAt)).toBeGreaterThan(Date.parse(attested!));

    // Evidence first, then each runbook step as itself (intent, result, verify), all by the policy's actor.
    const entries = await listEntries(db, { incidentId: id });
    const intents = entries.filter((e) => e.kind === "intent");
    expect(intents.map((e) => e.stepId)).toEqual(["collect-evidence", ...ISOLATE_POD]);
    expect(new Set(intents.map((e) => e.actor))).toEqual(new Set([POLICY]));
    for (const step of ISOLATE_POD) {
      expect(entries.filter((e) => e.stepId === step && e.kind === "result")).toHaveLength(1);
      expect(entries.filter((e) => e.stepId === step && e.kind === "verify")).toHaveLength(1);
    }
    expect(entries.filter((e) => e.kind === "runbook").map((e) => [e.actor, e.details.phase])).toEqual([
      [POLICY, "start"],
      [POLICY, "end"],
    ]);
    expect(entries.filter((e) => e.kind === "isolation-verified")).toHaveLength(1);
  });

  it("never skips an approval: a gated step inside stops the run awaiting approval, and the steps after it do not run", async () => {
    configure({ ALERT_AUTO_RUNBOOK: "isolate-pod", APPROVAL_POLICY: JSON.stringify({ steps: { "apply-deny-all": 1 } }) });
    const { id } = await alertOnCompromisedPod();
    const outcome = await autoRunbookSettled(id);
    expect(outcome).toMatchObject({ state: "awaiting-approval", message: expect.stringMatching(/^Awaiting approval for "Apply the deny-all NetworkPolicy"/) });
    expect("steps" in outcome! && outcome.steps.map((s) => s.status)).toEqual(["success", "success", "awaiting-approval", "not-run"]);

    const entries = await listEntries(db, { incidentId: id });
    expect(entries.filter((e) => e.kind === "intent").map((e) => e.stepId)).toEqual(["collect-evidence", "label-quarantine", "exclude-from-policies"]);
    expect(entries.some((e) => e.kind === "refused" && e.stepId === "apply-deny-all" && e.actor === POLICY)).toBe(true);
    expect(layer(await board(id), "pod-ingress").state).toBe("not-started");
  });
  it("evidence first: when collect-evidence fails the runbook does not run, and the timeline says why", async () => {
    // An evidence store that cannot be written: collect-evidence fails, after the incident is open.
    configure({ ALERT_AUTO_RUNBOOK: "isolate-pod", APPROVAL_POLICY: undefined });
    setEvidenceStoreForTests(new FsEvidenceStore("/dev/null/evidence"));
    const pod = await compromisedPod();
    const facts = (await (await fetch(`${sim.base}/clusters/payments/api/v1/namespaces/shop/pods/${pod}`)).json()) as { spec: { nodeName: string } };
    const res = await postAlert(falcoRoute, "/api/v1/alerts/falco", falcoAlert({ pod, node: facts.spec.nodeName }), { "x-airlock-ingest-secret": SECRET });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.evidence).toMatchObject({ failed: expect.any(String) });
    expect(res.body.runbook).toMatchObject({ id: "isolate-pod", started: false, why: expect.stringMatching(/^collect-evidence failed/) });
    expect(autoRunbookSettled(res.body.incidentId)).toBeUndefined();
    const entries = await listEntries(db, { incidentId: res.body.incidentId });
    expect(entries.filter((e) => e.kind === "intent").map((e) => e.stepId)).toEqual(["collect-evidence"]);
    expect(entries.filter((e) => e.kind === "runbook").map((e) => [e.actor, e.details.phase])).toEqual([[POLICY, "skipped"]]);
  });
});

describe("ALERT_AUTO_RUNBOOK off (the default)", () => {
  it("runs nothing beyond the evidence", async () => {
    configure({ ALERT_AUTO_RUNBOOK: undefined, APPROVAL_POLICY: undefined });
    const { id, res } = await alertOnCompromisedPod();
    expect(res.body.runbook).toBeNull();
    expect(autoRunbookSettled(id)).toBeUndefined();

    const entries = await listEntries(db, { incidentId: id });
    expect(entries.filter((e) => e.kind === "intent").map((e) => e.stepId)).toEqual(["collect-evidence"]);
    expect(entries.some((e) => e.kind === "runbook" || (e.kind === "plan" && e.details.runbookId !== undefined))).toBe(false);
    const b = await board(id);
    for (const l of ["pod-ingress", "pod-egress", "node-network"]) expect(layer(b, l).state).toBe("not-started");
  });
});
