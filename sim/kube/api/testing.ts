import http from "node:http";
import type { AddressInfo } from "node:net";
import { World } from "../../world";
import type { SimCluster } from "../cluster";
import type { KObject } from "../types";
import { addGkeCluster, addNetwork, addNode, seedClusterBasics } from "../../scenarios/infra";
import { handleKubeRequest } from "./router";

// An API server over one in-process cluster with no controllers: tests see exactly what the
// API layer does, nothing reconciles behind their back.

// Response bodies are whatever the API answered; tests assert on their shape.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type ApiBody = Record<string, any>;

export interface ApiTestServer {
  world: World;
  cluster: SimCluster;
  node: string;
  base: string;
  request(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<{ status: number; body: ApiBody; headers: Headers }>;
  close(): Promise<void>;
}

export function apiWorld(): { world: World; cluster: SimCluster; node: string } {
  const world = new World({ scenario: "empty", seed: 3, netpolDelaySeconds: 0 }, "api-test", "123456789012");
  addNetwork(world);
  const cluster = world.addCluster("test", "us-central1-a");
  addGkeCluster(world, cluster, { datapathProvider: "ADVANCED_DATAPATH", calicoEnabled: false, autopilot: false, autoRepair: true }, ["us-central1-a"]);
  seedClusterBasics(cluster, ["shop"]);
  const node = addNode(world, cluster, { zone: "us-central1-a", index: 0 });
  return { world, cluster, node };
}

export async function startApiServer(): Promise<ApiTestServer> {
  const { world, cluster, node } = apiWorld();
  const server = http.createServer((req, res) => {
    const path = new URL(req.url ?? "/", "http://x").pathname;
    handleKubeRequest(world, cluster, req, res, path).catch((err) => {
      res.writeHead(500);
      res.end(String(err?.stack ?? err));
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    world,
    cluster,
    node,
    base,
    async request(method, path, body, headers = {}) {
      const res = await fetch(base + path, {
        method,
        headers: { "Content-Type": "application/json", ...headers },
        body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
      });
      const text = await res.text();
      return { status: res.status, body: text ? JSON.parse(text) : {}, headers: res.headers };
    },
    close: () =>
      new Promise<void>((r) => {
        world.stop();
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

export function podObject(name: string, extra: Partial<KObject> & { labels?: Record<string, string>; nodeName?: string } = {}): KObject {
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name, namespace: "shop", labels: extra.labels ?? { app: "web" } },
    spec: { ...(extra.nodeName ? { nodeName: extra.nodeName } : {}), containers: [{ name: "web", image: "nginx:1.27" }], ...(extra.spec ?? {}) },
  };
}
