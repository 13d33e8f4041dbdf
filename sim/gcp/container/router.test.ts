import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import type { World } from "../../world";
import type { GcpJson } from "../state";
import { twoClusters } from "../testing";
import { handleContainerRequest } from "./router";

let world: World | undefined;
let server: http.Server | undefined;
afterEach(async () => {
  world?.stop();
  if (server) await new Promise((r) => server!.close(r));
  server = undefined;
});

async function get(path: string, method = "GET"): Promise<{ status: number; body: GcpJson }> {
  if (!server) {
    server = http.createServer((req, res) => void handleContainerRequest(world!, req, res, new URL(req.url!, "http://x").pathname));
    await new Promise<void>((r) => server!.listen(0, "127.0.0.1", r));
  }
  const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}${path}`, { method });
  return { status: res.status, body: await res.json() };
}

describe("container router", () => {
  it("answers both path styles, v1beta1, and Google's 404 over HTTP", async () => {
    world = twoClusters();
    expect((await get("/v1/projects/acme-test/locations/-/clusters")).body.clusters).toHaveLength(2);
    expect((await get("/v1/projects/acme-test/zones/-/clusters")).body.clusters).toHaveLength(2);
    expect((await get("/v1/projects/acme-test/zones/us-central1-a/clusters/payments")).body.name).toBe("payments");
    expect((await get("/v1beta1/projects/acme-test/locations/us-central1/clusters/storefront")).body.name).toBe("storefront");
    expect((await get("/v1/projects/acme-test/locations/us-central1-a/clusters/payments/nodePools")).body.nodePools[0].name).toBe("default-pool");
    const missing = await get("/v1/projects/acme-test/locations/us-central1-a/clusters/nope");
    expect(missing).toEqual({
      status: 404,
      body: { error: { code: 404, message: "Not found: projects/acme-test/locations/us-central1-a/clusters/nope.", status: "NOT_FOUND" } },
    });
    expect((await get("/v1/projects/other/locations/-/clusters")).status).toBe(403);
    expect((await get("/v1/projects/acme-test/locations/us-central1-a/clusters/payments", "DELETE")).status).toBe(405);
  });
});

describe("node pool management", () => {
  const post = async (path: string, body: unknown) => {
    await get("/v1/projects/acme-test/locations/-/clusters"); // starts the server
    const port = (server!.address() as AddressInfo).port;
    const res = await fetch(`http://127.0.0.1:${port}${path}`, { method: "POST", body: JSON.stringify(body), headers: { "content-type": "application/json" } });
    return { status: res.status, body: (await res.json()) as GcpJson };
  };

  it("setManagement (both path styles) answers an Operation, and the pool shows the change", async () => {
    world = twoClusters();
    const pool = "/v1/projects/acme-test/locations/us-central1-a/clusters/payments/nodePools/default-pool";
    expect((await get(pool)).body.management).toEqual({ autoUpgrade: true, autoRepair: true });
    const op = await post(`${pool}:setManagement`, { management: { autoRepair: false, autoUpgrade: false } });
    expect(op.status).toBe(200);
    expect(op.body).toMatchObject({ operationType: "SET_NODE_POOL_MANAGEMENT", status: "RUNNING", zone: "us-central1-a" });
    expect(String(op.body.targetLink)).toMatch(/\/clusters\/payments\/nodePools\/default-pool$/);
    expect((await get(pool)).body.management).toEqual({ autoUpgrade: false, autoRepair: false });
    const done = await get(`/v1/projects/acme-test/locations/us-central1-a/operations/${op.body.name}`);
    expect(done.body).toMatchObject({ name: op.body.name, status: "DONE" });
    expect((await get("/v1/projects/acme-test/zones/us-central1-a/operations")).body.operations).toHaveLength(1);
    const zonesStyle = await post("/v1/projects/acme-test/zones/us-central1-a/clusters/payments/nodePools/default-pool/setManagement", {
      management: { autoRepair: true },
    });
    expect(zonesStyle.status).toBe(200);
    expect((await get(pool)).body.management).toEqual({ autoRepair: true });
    expect((await post(`${pool}:setManagement`, {})).status).toBe(400);
    expect((await post(`${pool}:setManagement`, { management: { autoRepair: "no" } })).status).toBe(400);
    expect((await post("/v1/projects/acme-test/locations/us-central1-a/clusters/payments/nodePools/nope:setManagement", { management: {} })).status).toBe(404);
    expect((await get("/v1/projects/acme-test/locations/us-central1-a/operations/operation-nope")).status).toBe(404);
  });

  it("shows each pool's groups, autoscaling and workload metadata mode", async () => {
    world = twoClusters();
    const np = (await get("/v1/projects/acme-test/locations/us-central1/clusters/storefront/nodePools/default-pool")).body;
    expect(np.instanceGroupUrls).toHaveLength(3);
    expect(np.config.workloadMetadataConfig).toEqual({ mode: "GKE_METADATA" });
    expect(np.autoscaling).toBeUndefined();
  });
});
