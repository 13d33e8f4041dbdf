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
    expect(missing).toEqual({ status: 404, body: { error: { code: 404, message: "Not found: projects/acme-test/locations/us-central1-a/clusters/nope.", status: "NOT_FOUND" } } });
    expect((await get("/v1/projects/other/locations/-/clusters")).status).toBe(403);
    expect((await get("/v1/projects/acme-test/locations/us-central1-a/clusters/payments", "DELETE")).status).toBe(405);
  });
});
