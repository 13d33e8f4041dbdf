import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SimProcess } from "@/sim/test/harness";
import { DEMO } from "@/lib/clusters/demo-fixture";
import { useSimulator } from "@/lib/clusters/sim-env";
import { openDb, setDbForTests, type Db } from "@/lib/store";
import { GET as getOpenApi } from "../openapi.json/route";
import { armTripwire, routeResponse, tripwireStillArmed, userToken, type RouteHandler } from "../testing";
import { GET as listClustersRoute } from "./route";
import { GET as getPodRoute } from "./[cluster]/pods/[namespace]/[name]/route";
import { GET as listPodsRoute } from "./[cluster]/pods/route";

let sim: SimProcess;
let db: Db;
let analyst: string;
let nobody: string;

beforeAll(async () => {
  sim = await useSimulator(["--scenario", "demo"]);
  db = await openDb(":memory:");
  setDbForTests(db);
  analyst = await userToken(db, "analyst@x.com", ["analyst"]);
  nobody = await userToken(db, "nobody@x.com", []);
});
afterAll(async () => {
  setDbForTests(undefined);
  await db?.destroy();
  await sim?.stop();
});

const cluster = encodeURIComponent(DEMO.payments);

const call = (handler: RouteHandler, url: string, params: Record<string, string>, token?: string) => routeResponse(handler, "GET", url, params, token);

describe("/api/v1/clusters doors", () => {
  it("refuses without a caller (401), without a role (403), and bad input (400), all before any cluster call", async () => {
    await armTripwire(sim);
    const p = { cluster: DEMO.payments };
    const u = `/api/v1/clusters/${cluster}/pods`;

    const anon = await call(listPodsRoute, u, p);
    expect(anon.status).toBe(401);
    expect((await call(listPodsRoute, u, p, nobody)).status).toBe(403);
    expect((await call(listClustersRoute, "/api/v1/clusters", {}, nobody)).status).toBe(403);

    for (const q of [
      "labelSelector=app%20in%20(a",
      "labelSelector=a%20b%20c",
      "limit=0",
      "limit=501",
      "limit=abc",
      "namespace=Not_A_Namespace",
      "fieldSelector=spec.nodeName",
    ]) {
      const res = await call(listPodsRoute, `${u}?${q}`, p, analyst);
      expect(res.status, q).toBe(400);
      const body = (await res.json()) as { error: { fieldErrors?: Record<string, string[]> } };
      expect(Object.keys(body.error.fieldErrors ?? {}).length, q).toBeGreaterThan(0);
    }
    const badPath = await call(getPodRoute, `/api/v1/clusters/${cluster}/pods/shop/BAD..name`, { ...p, namespace: "shop", name: "BAD..name" }, analyst);
    expect(badPath.status).toBe(400);

    expect(await tripwireStillArmed(sim, DEMO.payments)).toBe(true);
  });

  it("serves a page of pods to an analyst with the API server's paging", async () => {
    const res = await call(
      listPodsRoute,
      `/api/v1/clusters/${cluster}/pods?namespace=shop&labelSelector=app%3Dcheckout&limit=1`,
      { cluster: DEMO.payments },
      analyst,
    );
    expect(res.status).toBe(200);
    const body = (await res.json()) as { items: { name: string }[]; continue?: string };
    expect(body.items).toHaveLength(1);
    expect(body.continue).toBeTruthy();
    const next = await call(
      listPodsRoute,
      `/api/v1/clusters/${cluster}/pods?namespace=shop&labelSelector=app%3Dcheckout&limit=1&continue=${encodeURIComponent(body.continue!)}`,
      { cluster: DEMO.payments },
      analyst,
    );
    const second = (await next.json()) as { items: { name: string }[]; continue?: string };
    expect(second.items).toHaveLength(1);
    expect(second.items[0].name).not.toBe(body.items[0].name);
    expect(second.continue).toBeUndefined();
  });

  it("lists clusters with their enforcement facts", async () => {
    const res = await call(listClustersRoute, "/api/v1/clusters", {}, analyst);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { items: { id: string; networkPolicy: { enforced: boolean } }[] };
    expect(body.items.find((c) => c.id === DEMO.payments)?.networkPolicy.enforced).toBe(true);
    expect(body.items.find((c) => c.id === DEMO.storefront)?.networkPolicy.enforced).toBe(false);
  });

  it("answers 404 with a readable message for an unknown cluster or pod", async () => {
    const unknown = await call(listPodsRoute, "/api/v1/clusters/nope/pods", { cluster: "nope" }, analyst);
    expect(unknown.status).toBe(404);
    const pod = await call(getPodRoute, `/api/v1/clusters/${cluster}/pods/shop/gone`, { cluster: DEMO.payments, namespace: "shop", name: "gone" }, analyst);
    expect(pod.status).toBe(404);
    const body = (await pod.json()) as { error: { message: string } };
    expect(body.error.message).toMatch(/not found/);
    expect(body.error.message).not.toMatch(/HTTP-Code|Headers|\n\s+at /);
  });

  it("publishes the OpenAPI document", async () => {
    const doc = (await getOpenApi().json()) as { openapi: string; paths: Record<string, unknown> };
    expect(doc.openapi).toBe("3.1.0");
    expect(Object.keys(doc.paths)).toContain("/api/v1/clusters/{cluster}/pods/{namespace}/{name}");
  });
});
