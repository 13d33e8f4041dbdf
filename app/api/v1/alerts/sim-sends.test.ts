import http from "node:http";
import type { AddressInfo } from "node:net";
import { randomUUID } from "node:crypto";
import { NextRequest } from "next/server";
import { afterAll, beforeAll, expect, it } from "vitest";
import { resetConfigForTests } from "@/lib/config";
import { compromisedPod, PAYMENTS, simPost, startSim } from "@/lib/containment/steps/support/testing";
import { freshDb } from "@/lib/containment/testing";
import type { Db } from "@/lib/store";
import type { SimProcess } from "@/sim/test/harness";
import type { RouteHandler } from "../testing";
import { POST as falcoRoute } from "./falco/route";
import { POST as sccRoute } from "./scc/route";

// The simulator as Falcosidekick and Pub/Sub: on start it posts the demo's alerts to the URLs it
// was given (here a bridge to the console's route handlers in this process), retrying until
// the console answers; POST /_sim/attack sends them again; a receiver that is gone never
// crashes it.

const SECRET = randomUUID() + randomUUID();
const AUDIENCE = "http://airlock.test/api/v1/alerts/scc";
const PUSH_SA = "scc-push@acme-prod.iam.gserviceaccount.com";

let sim: SimProcess;
let db: Db;
let close: () => Promise<void>;
let bridge: http.Server;
let open: () => void;
const consoleUp = new Promise<void>((resolve) => (open = resolve));

/** Node request → NextRequest → the route handler → Node response: the console's doors over HTTP. */
function serve(handlers: Record<string, RouteHandler>): http.Server {
  return http.createServer(async (req, res) => {
    await consoleUp;
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const handler = handlers[req.url ?? ""];
    if (!handler) return res.writeHead(404).end();
    const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)]));
    const out = await handler(new NextRequest(`http://airlock.test${req.url}`, { method: req.method, headers, body: Buffer.concat(chunks) }), {
      params: Promise.resolve({}),
    });
    res.writeHead(out.status, { "content-type": "application/json" }).end(Buffer.from(await out.arrayBuffer()));
  });
}

beforeAll(async () => {
  const fresh = await freshDb();
  db = fresh.db;
  close = fresh.close;
  bridge = serve({ "/api/v1/alerts/falco": falcoRoute, "/api/v1/alerts/scc": sccRoute });
  await new Promise<void>((r) => bridge.listen(0, "127.0.0.1", r));
  const base = `http://127.0.0.1:${(bridge.address() as AddressInfo).port}`;
  Object.assign(process.env, {
    SIM_ALERT_FALCO_URL: `${base}/api/v1/alerts/falco`,
    SIM_ALERT_FALCO_SECRET: SECRET,
    SIM_ALERT_SCC_URL: `${base}/api/v1/alerts/scc`,
    SIM_ALERT_SCC_AUDIENCE: AUDIENCE,
    SIM_ALERT_SCC_SERVICE_ACCOUNT: PUSH_SA,
  });
  sim = await startSim();
  Object.assign(process.env, {
    ALERT_INGEST_SECRET: SECRET,
    ALERT_FALCO_CLUSTERS: JSON.stringify({ "gke-payments-*": PAYMENTS }),
    ALERT_SCC_AUDIENCE: AUDIENCE,
    ALERT_SCC_SERVICE_ACCOUNT: PUSH_SA,
    ALERT_SCC_CERTS_URL: sim.ready.oidcCertsUrl,
  });
  resetConfigForTests();
  open();
});
afterAll(async () => {
  await sim?.stop();
  bridge?.closeAllConnections();
  await new Promise((r) => bridge?.close(r));
  await close?.();
});

async function accepted(): Promise<{ source: string; alert_id: string | null }[]> {
  return db.selectFrom("alert_deliveries").select(["source", "alert_id"]).where("outcome", "=", "accepted").where("alert_id", "is not", null).execute();
}

it("on start the simulator reports the compromised pod through both doors: Falco opens the incident, SCC joins it", async () => {
  // Bounded by the test timeout: the simulator sends once the console answers.
  while ((await accepted()).length < 2) await new Promise((r) => setTimeout(r, 100));
  const pod = await compromisedPod();
  const alerts = await db.selectFrom("alerts").selectAll().orderBy("created_at", "asc").execute();
  expect(alerts.map((a) => [a.source, a.pod, a.cluster])).toEqual([
    ["falco", pod, PAYMENTS],
    ["scc", pod, PAYMENTS],
  ]);
  expect(alerts[0].incident_id).not.toBeNull();
  expect(alerts[1].incident_id).toBe(alerts[0].incident_id);
  expect(alerts.map((a) => a.mitre_tactic)).toEqual(["Impact", "Execution"]);
  const evidence = await db
    .selectFrom("step_runs")
    .select("status")
    .where("incident_id", "=", alerts[0].incident_id!)
    .where("step_id", "=", "collect-evidence")
    .execute();
  expect(evidence).toEqual([{ status: "succeeded" }]);
});

it("POST /_sim/attack sends them again: the same alerts, counted", async () => {
  const out = (await simPost(sim, "/_sim/attack", {})) as { deliveries: { kind: string; status: number; body: { count: number; created: boolean } }[] };
  expect(out.deliveries.map((d) => [d.kind, d.status, d.body.created, d.body.count])).toEqual([
    ["falco", 200, false, 2],
    ["scc", 200, false, 2],
  ]);
});

it("a receiver that is gone is reported, not fatal", async () => {
  bridge.closeAllConnections();
  await new Promise((r) => bridge.close(r));
  const out = (await simPost(sim, "/_sim/attack", { giveUpMs: 0 })) as { deliveries: { kind: string; status: number | null; error?: string }[] };
  expect(out.deliveries.map((d) => [d.kind, d.status])).toEqual([
    ["falco", null],
    ["scc", null],
  ]);
  expect(((await (await fetch(`${sim.base}/_sim/health`)).json()) as { ok: boolean }).ok).toBe(true);
});
