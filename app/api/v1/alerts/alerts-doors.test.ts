import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { openIncidentFromAlertAction } from "@/app/alerts/actions/open-incident";
import type { Caller } from "@/lib/auth";
import { kubeApis } from "@/lib/kube/clients";
import { releaseLease, tryLease } from "@/lib/replicas/lease";
import { resetConfigForTests } from "@/lib/config";
import { compromisedPod, PAYMENTS, simPost, startSim } from "@/lib/containment/steps/support/testing";
import { caller, freshDb } from "@/lib/containment/testing";
import type { Db } from "@/lib/store";
import type { SimProcess } from "@/sim/test/harness";
import { callRoute, userToken } from "../testing";
import { GET as boardRoute } from "../incidents/[id]/containment/route";
import { GET as reportRoute } from "../incidents/[id]/report/route";
import { GET as timelineRoute } from "../incidents/[id]/timeline/route";
import { POST as falcoRoute } from "./falco/route";
import { falcoAlert as sampleFalcoAlert, postAlert } from "./testing";
import { GET as listRoute, POST as genericRoute } from "./route";
import { POST as sccRoute } from "./scc/route";

// The alert doors against the simulator: a Falcosidekick alert about the demo's compromised pod
// opens an incident and collects its evidence with nobody clicking; a repeat only counts; a
// wrong secret, a bad token, bad input, an unknown pod and a replay are refused, each on record.

const who = vi.hoisted(() => ({ caller: null as Caller | null }));
vi.mock("@/lib/auth", async (importOriginal) => ({
  ...(await importOriginal<typeof import("@/lib/auth")>()),
  getCaller: async () => who.caller,
}));
vi.mock("next/cache", () => ({ revalidatePath: () => {} }));

const SECRET = "s".repeat(12) + randomUUID();
const AUDIENCE = "https://airlock.test/api/v1/alerts/scc";
const PUSH_SA = "scc-push@acme-prod.iam.gserviceaccount.com";

let sim: SimProcess;
let db: Db;
let close: () => Promise<void>;
let analyst: string;
let ingestToken: string;
let pod: string;
let node: string;

beforeAll(async () => {
  sim = await startSim();
  Object.assign(process.env, {
    ALERT_INGEST_SECRET: SECRET,
    ALERT_FALCO_CLUSTERS: JSON.stringify({ "gke-payments-*": PAYMENTS }),
    ALERT_SCC_AUDIENCE: AUDIENCE,
    ALERT_SCC_SERVICE_ACCOUNT: PUSH_SA,
    ALERT_SCC_CERTS_URL: sim.ready.oidcCertsUrl,
    ALERT_AUTO_OPEN: "critical",
  });
  resetConfigForTests();
  const fresh = await freshDb();
  db = fresh.db;
  close = fresh.close;
  analyst = await userToken(db, "analyst@x.com", ["analyst"]);
  ingestToken = await userToken(db, "falco@x.com", ["ingest"]);
  pod = await compromisedPod();
  const pods = (await (await fetch(`${sim.base}/clusters/payments/api/v1/namespaces/shop/pods/${pod}`)).json()) as { spec: { nodeName: string } };
  node = pods.spec.nodeName;
});
afterAll(async () => {
  await close?.();
  await sim?.stop();
});

const falcoAlert = (over: Record<string, unknown> = {}, fields: Record<string, unknown> = {}) => sampleFalcoAlert({ pod, node }, over, fields);
const post = postAlert;

const falco = (body: unknown, secret = SECRET) => post(falcoRoute, "/api/v1/alerts/falco", body, { "x-airlock-ingest-secret": secret });

async function deliveries(outcome?: string) {
  let q = db.selectFrom("alert_deliveries").selectAll().orderBy("received_at", "asc");
  if (outcome) q = q.where("outcome", "=", outcome as "accepted");
  return q.execute();
}

async function sccToken(audience = AUDIENCE, email = PUSH_SA): Promise<string> {
  return ((await simPost(sim, "/_sim/oidc/token", { audience, email })) as { token: string }).token;
}

function sccEnvelope(podName: string, messageId = String(Date.now())) {
  const notification = {
    notificationConfigName: "organizations/1/notificationConfigs/airlock",
    finding: {
      name: `organizations/1/sources/2/findings/${randomUUID().replace(/-/g, "")}`,
      resourceName: "//container.googleapis.com/projects/acme-prod/zones/us-central1-a/clusters/payments",
      category: "Execution: Added Binary Executed",
      severity: "HIGH",
      eventTime: new Date().toISOString(),
      mitreAttack: { primaryTactic: "EXECUTION" },
      indicator: { ipAddresses: ["198.51.100.23"] },
      processes: [{ binary: { path: "/tmp/.X11-unix/kworkerd" }, args: ["kworkerd"] }],
      kubernetes: { pods: [{ ns: "shop", name: podName }] },
    },
  };
  return {
    message: { data: Buffer.from(JSON.stringify(notification)).toString("base64"), messageId, attributes: {} },
    subscription: "projects/acme-prod/subscriptions/scc",
  };
}

describe("Falco", () => {
  let incidentId: string;

  it("a critical Falcosidekick alert for the demo pod opens an incident and collects evidence without a click", async () => {
    const res = await falco(falcoAlert());
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body).toMatchObject({ created: true, count: 1, incident: "opened", evidence: { outcome: "success" } });
    incidentId = res.body.incidentId;

    const timeline = await callRoute(timelineRoute, "GET", `/api/v1/incidents/${incidentId}/timeline`, { id: incidentId }, analyst);
    const kinds = (timeline.body.items as { kind: string; actor: string; stepId: string | null }[]).map((e) => `${e.kind}:${e.stepId ?? ""}:${e.actor}`);
    expect(kinds).toContain("incident-opened::airlock (alert policy)");
    expect(kinds).toContain("alert-received::falcosidekick (shared secret)");
    expect(kinds).toContain("result:collect-evidence:airlock (alert policy)");
    const artifacts = await db.selectFrom("evidence_artifacts").select("name").where("incident_id", "=", incidentId).execute();
    expect(artifacts.map((a) => a.name)).toContain(`pod-${pod}.json`);
  });

  it("the same alert again only increments the count: no second incident, no second evidence run", async () => {
    const runsBefore = await db.selectFrom("step_runs").select("id").execute();
    const res = await falco(falcoAlert());
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ created: false, count: 2, incidentId, incident: "none", evidence: null });
    expect(await db.selectFrom("step_runs").select("id").execute()).toHaveLength(runsBefore.length);
    expect(await db.selectFrom("incidents").select("id").execute()).toHaveLength(1);

    const list = await callRoute(listRoute, "GET", "/api/v1/alerts", {}, analyst);
    expect(list.status).toBe(200);
    expect(list.body.items).toHaveLength(1);
    expect(list.body.items[0]).toMatchObject({ pod, incidentId, severity: "critical" });
    expect(list.body.items[0].alerts[0]).toMatchObject({ count: 2, mitreTactic: "Impact", rule: "Detect outbound connections to common miner pool ports" });
  });

  it("time-to-contain starts at the alert's event time, not the incident's opening", async () => {
    const board = await callRoute(boardRoute, "GET", `/api/v1/incidents/${incidentId}/containment`, { id: incidentId }, analyst);
    expect(board.status).toBe(200);
    const first = await db.selectFrom("alerts").select("first_seen").where("incident_id", "=", incidentId).executeTakeFirstOrThrow();
    expect(board.body.timeToContain).toMatchObject({ openedFrom: "alert", openedAt: first.first_seen });
    const report = await callRoute(reportRoute, "GET", `/api/v1/incidents/${incidentId}/report?format=json`, { id: incidentId }, analyst);
    expect(report.status).toBe(200);
    expect(report.body.containment.timeToContain).toMatchObject({ openedFrom: "alert", openedAt: first.first_seen });
    expect(report.body.alerts).toEqual([expect.objectContaining({ rule: "Detect outbound connections to common miner pool ports", count: 2 })]);
  });

  it("a replayed delivery (same uuid) is 409, recorded, and counts nothing", async () => {
    const alert = falcoAlert();
    expect((await falco(alert)).status).toBe(200);
    const count = (await db.selectFrom("alerts").select("count").executeTakeFirstOrThrow()).count;
    const again = await falco(alert);
    expect(again.status).toBe(409);
    expect(again.body.error.message).toContain(alert.uuid);
    expect((await db.selectFrom("alerts").select("count").executeTakeFirstOrThrow()).count).toBe(count);
    expect((await deliveries("duplicate")).at(-1)).toMatchObject({ external_id: alert.uuid, http_status: 409 });
  });

  it("a wrong secret is 401 and recorded with the body's SHA-256", async () => {
    const body = falcoAlert();
    const res = await falco(body, "not-the-secret");
    expect(res.status).toBe(401);
    expect(JSON.stringify(res.body)).not.toContain(SECRET);
    const last = (await deliveries("rejected")).at(-1)!;
    expect(last).toMatchObject({ http_status: 401, source: "falco", body: JSON.stringify(body) });
    const { createHash } = await import("node:crypto");
    expect(last.sha256).toBe(createHash("sha256").update(JSON.stringify(body)).digest("hex"));
  });

  it("an ingest token works instead of the secret; an analyst's token is refused (403) and recorded", async () => {
    const ok = await post(falcoRoute, "/api/v1/alerts/falco", falcoAlert({ rule: "Terminal shell in container", priority: "Notice" }), {
      authorization: `Bearer ${ingestToken}`,
    });
    expect(ok.status, JSON.stringify(ok.body)).toBe(201);
    // The pod's incident is open: a new, non-critical alert joins it.
    expect(ok.body).toMatchObject({ incident: "joined", evidence: null });
    const no = await post(falcoRoute, "/api/v1/alerts/falco", falcoAlert(), { authorization: `Bearer ${analyst}` });
    expect(no.status).toBe(403);
    expect((await deliveries("rejected")).at(-1)).toMatchObject({ http_status: 403, sender: "analyst@x.com" });
  });

  it("bad input, an unknown cluster and an unknown pod get a clear 4xx, each recorded", async () => {
    const before = (await deliveries("rejected")).length;
    const bad = await falco(falcoAlert({ priority: "loud", time: "yesterday" }));
    expect(bad.status).toBe(400);
    expect(Object.keys(bad.body.error.fieldErrors)).toEqual(expect.arrayContaining(["priority", "time"]));
    expect((await falco("{not json")).status).toBe(400);
    const cluster = await falco(falcoAlert({ hostname: "some-other-node" }));
    expect(cluster.status).toBe(422);
    expect(cluster.body.error.message).toContain("some-other-node");
    const gone = await falco(falcoAlert({}, { "k8s.pod.name": "no-such-pod-123" }));
    expect(gone.status).toBe(404);
    expect(gone.body.error.message).toContain("shop/no-such-pod-123");
    expect((await deliveries("rejected")).length).toBe(before + 4);
  });

  it("a pod's alerts wait while another replica triages that pod (its lease in the shared database)", async () => {
    const a = await db.selectFrom("alerts").select(["cluster", "namespace", "pod"]).where("incident_id", "=", incidentId).executeTakeFirstOrThrow();
    const lease = `alert-pod:${a.cluster}/${a.namespace}/${a.pod}`;
    expect(await tryLease(db, lease, "another-replica", 30_000)).toBe(true);
    let settled = false;
    const pending = falco(falcoAlert()).finally(() => (settled = true));
    await new Promise((r) => setTimeout(r, 400));
    expect(settled).toBe(false);
    await releaseLease(db, lease, "another-replica");
    const res = await pending;
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ created: false, incidentId, incident: "none" });
    expect(await db.selectFrom("leases").select("name").where("name", "=", lease).execute()).toEqual([]);
  });

  it("a body over the limit is 413 and recorded", async () => {
    const res = await falco(falcoAlert({ output: "x".repeat(300 * 1024) }));
    expect(res.status).toBe(413);
    expect((await deliveries("rejected")).at(-1)).toMatchObject({ http_status: 413 });
  });

  it("lists a pod under its newest alert's incident: a newer alert on no incident is not shown as on an older one's", async () => {
    const older = await db.selectFrom("alerts").selectAll().where("incident_id", "=", incidentId).executeTakeFirstOrThrow();
    const later = new Date(Date.now() + 60_000).toISOString();
    const newer = { ...older, id: randomUUID(), rule: "A newer rule", incident_id: null, first_seen: later, last_seen: later, created_at: later };
    await db.insertInto("alerts").values(newer).execute();
    const list = await callRoute(listRoute, "GET", "/api/v1/alerts", {}, analyst);
    const group = (list.body.items as { pod: string; incidentId: string | null; alerts: { id: string; incidentId: string | null }[] }[]).find(
      (g) => g.pod === older.pod,
    )!;
    expect(group.incidentId).toBeNull();
    expect(group.alerts[0]).toMatchObject({ id: newer.id, incidentId: null });
    expect(group.alerts.some((a) => a.incidentId === incidentId)).toBe(true);
    await db.deleteFrom("alerts").where("id", "=", newer.id).execute();
  });
});

describe("Security Command Center", () => {
  it("a push without a token, or with a bad one, is 401 and recorded", async () => {
    const env = sccEnvelope(pod);
    expect((await post(sccRoute, "/api/v1/alerts/scc", env, {})).status).toBe(401);
    const forged = (await sccToken()).replace(/\.[^.]+$/, ".AAAA");
    expect((await post(sccRoute, "/api/v1/alerts/scc", env, { authorization: `Bearer ${forged}` })).status).toBe(401);
    const otherAudience = await sccToken("https://elsewhere.example/push");
    const wrong = await post(sccRoute, "/api/v1/alerts/scc", env, { authorization: `Bearer ${otherAudience}` });
    expect(wrong.status).toBe(401);
    expect(wrong.body.error.message).toContain("audience");
    const otherAccount = await sccToken(AUDIENCE, "someone@else.iam.gserviceaccount.com");
    expect((await post(sccRoute, "/api/v1/alerts/scc", env, { authorization: `Bearer ${otherAccount}` })).status).toBe(401);
    // An Airlock API token is not a Google token.
    expect((await post(sccRoute, "/api/v1/alerts/scc", env, { authorization: `Bearer ${ingestToken}` })).status).toBe(401);
    const rejected = (await deliveries("rejected")).filter((d) => d.source === "scc");
    expect(rejected.length).toBeGreaterThanOrEqual(5);
  });

  it("a push signed by the simulator's key maps the finding to the right pod and joins its incident", async () => {
    const res = await post(sccRoute, "/api/v1/alerts/scc", sccEnvelope(pod), { authorization: `Bearer ${await sccToken()}` });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.incident).toBe("joined");
    const row = await db.selectFrom("alerts").selectAll().where("id", "=", res.body.alertId).executeTakeFirstOrThrow();
    expect(row).toMatchObject({
      source: "scc",
      cluster: PAYMENTS,
      namespace: "shop",
      pod,
      rule: "Execution: Added Binary Executed",
      severity: "high",
      mitre_tactic: "Execution",
    });
    expect(JSON.parse(row.details)).toMatchObject({ indicator: { ipAddresses: ["198.51.100.23"] } });
  });

  it("a finding about a pod the cluster does not have is 404", async () => {
    const res = await post(sccRoute, "/api/v1/alerts/scc", sccEnvelope("ghost-pod"), { authorization: `Bearer ${await sccToken()}` });
    expect(res.status).toBe(404);
  });
});

describe("generic", () => {
  it("takes the documented schema from an ingest token, and refuses anyone else", async () => {
    const body = {
      id: randomUUID(),
      sender: "soar",
      cluster: PAYMENTS,
      namespace: "shop",
      pod,
      rule: "Custom detection",
      severity: "low",
      eventTime: new Date().toISOString(),
    };
    const ok = await callRoute(genericRoute, "POST", "/api/v1/alerts", {}, ingestToken, body);
    expect(ok.status, JSON.stringify(ok.body)).toBe(201);
    expect((await callRoute(genericRoute, "POST", "/api/v1/alerts", {}, ingestToken, body)).status).toBe(409);
    expect((await callRoute(genericRoute, "POST", "/api/v1/alerts", {}, ingestToken, { ...body, id: "x", severity: "apocalyptic" })).status).toBe(400);
    expect((await callRoute(genericRoute, "POST", "/api/v1/alerts", {}, analyst, { ...body, id: "y" })).status).toBe(403);
    // Reading alerts is for analysts, not for ingest tokens.
    expect((await callRoute(listRoute, "GET", "/api/v1/alerts", {}, ingestToken)).status).toBe(403);
  });
});

describe("the Alerts page's Open incident action", () => {
  it("opens an incident on a pod whose alert opened none, and the pod's alerts join it", async () => {
    const pods = await kubeApis(PAYMENTS).core.listNamespacedPod({ namespace: "shop" });
    const other = pods.items.map((p) => p.metadata!.name!).find((n) => n !== pod && n.startsWith("checkout-"))!;
    const body = {
      id: randomUUID(),
      cluster: PAYMENTS,
      namespace: "shop",
      pod: other,
      rule: "Unexpected outbound",
      severity: "medium",
      eventTime: new Date().toISOString(),
    };
    const posted = await callRoute(genericRoute, "POST", "/api/v1/alerts", {}, ingestToken, body);
    expect(posted.body).toMatchObject({ incident: "none", incidentId: null });

    who.caller = caller("approver@x.com", "approver");
    expect(await openIncidentFromAlertAction({ alertId: posted.body.alertId })).toMatchObject({ ok: false, message: "Your role does not allow this" });
    who.caller = caller("analyst@x.com", "analyst");
    const opened = await openIncidentFromAlertAction({ alertId: posted.body.alertId });
    if (!opened.ok) throw new Error(opened.message);
    expect(opened.data.opened).toBe(true);
    const row = await db.selectFrom("alerts").select("incident_id").where("id", "=", posted.body.alertId).executeTakeFirstOrThrow();
    expect(row.incident_id).toBe(opened.data.id);
    const entry = await db
      .selectFrom("timeline")
      .select(["actor", "details"])
      .where("incident_id", "=", opened.data.id)
      .where("kind", "=", "alert-received")
      .executeTakeFirstOrThrow();
    expect(entry.actor).toBe("analyst@x.com");
    expect(JSON.parse(entry.details)).toMatchObject({ how: "attached", alertId: posted.body.alertId });
    // Again: the pod's incident is found, not opened twice.
    expect(await openIncidentFromAlertAction({ alertId: posted.body.alertId })).toMatchObject({ ok: true, data: { id: opened.data.id, opened: false } });
    expect(await openIncidentFromAlertAction({ alertId: "nope" })).toMatchObject({ ok: false, fieldErrors: { alertId: ["not an alert id"] } });
  });
});
