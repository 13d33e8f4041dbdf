import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { NextRequest } from "next/server";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { resetConfigForTests } from "@/lib/config";
import { clustersCheck, IN_CLUSTER_TOKEN } from "@/lib/health/readiness";
import { resumeAcceptingForTests, stopAcceptingSteps } from "@/lib/replicas/accepting";
import { setDbForTests } from "@/lib/store";
import { describeEachEngine } from "@/lib/store/testing";
import { GET as healthz } from "../healthz/route";
import { GET as readyz } from "./route";

const SECRET = "s".repeat(40);
const saved = { ...process.env };
let dir: string;
let kubeconfig: string;

function probe(handler: (req: NextRequest) => Promise<Response>, url: string): Promise<Response> {
  // No cookie, no token: a kubelet's probe.
  return handler(new NextRequest(`http://airlock.test${url}`));
}

async function ready(): Promise<{ status: number; text: string; body: { status: string; checks: Record<string, string> } }> {
  const res = await probe(readyz, "/api/readyz");
  const text = await res.text();
  return { status: res.status, text, body: JSON.parse(text) };
}

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "airlock-readyz-"));
  kubeconfig = path.join(dir, "kubeconfig");
  fs.writeFileSync(kubeconfig, "apiVersion: v1\nkind: Config\nclusters: []\ncontexts: []\nusers: []\n");
  process.env.NEXTAUTH_SECRET = SECRET;
  process.env.KUBECONFIG = kubeconfig;
  resetConfigForTests();
});
afterEach(() => {
  for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
  Object.assign(process.env, saved);
  resetConfigForTests();
  setDbForTests(undefined);
  fs.rmSync(dir, { recursive: true, force: true });
});

describe("GET /api/healthz", () => {
  it("answers 200 ok to an unauthenticated probe without touching the database", async () => {
    setDbForTests(undefined);
    process.env.DATABASE_URL = "postgres://nobody:nothing@127.0.0.1:1/none";
    resetConfigForTests();
    const res = await probe(healthz, "/api/healthz");
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toBe("no-store");
    expect(await res.json()).toEqual({ status: "ok" });
  });
});

describeEachEngine("GET /api/readyz", ({ open }) => {
  it("is 200 with every check ok on a migrated database and a readable kubeconfig, unauthenticated", async () => {
    setDbForTests(await open());
    const r = await ready();
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ status: "ready", checks: { config: "ok", database: "ok", migrations: "ok", clusters: "ok", steps: "ok" } });
  });

  it("is 503 'pending' while a migration this build knows is not applied", async () => {
    setDbForTests(await open({ migrate: false }));
    const r = await ready();
    expect(r.status).toBe(503);
    expect(r.body).toEqual({ status: "not ready", checks: { config: "ok", database: "ok", migrations: "pending", clusters: "ok", steps: "ok" } });
  });

  it("is 503 'unreachable' when the database stops answering after start, and names no host or error", async () => {
    const db = await open();
    await db.destroy();
    setDbForTests(db);
    const r = await ready();
    expect(r.status).toBe(503);
    expect(r.body.checks).toEqual({ config: "ok", database: "unreachable", migrations: "skipped", clusters: "ok", steps: "ok" });
    expect(Object.keys(r.body)).toEqual(["status", "checks"]);
  });
});

describeEachEngine("GET /api/readyz while shutting down", ({ open }) => {
  afterEach(() => resumeAcceptingForTests());
  it("is 503 'stopping' once SIGTERM stopped step runs, so the load balancer sends them to another replica", async () => {
    setDbForTests(await open());
    stopAcceptingSteps();
    const r = await ready();
    expect(r.status).toBe(503);
    expect(r.body).toEqual({ status: "not ready", checks: { config: "ok", database: "ok", migrations: "ok", clusters: "ok", steps: "stopping" } });
  });
});

describe("GET /api/readyz without a database", () => {
  it("is 503 'invalid' on a bad configuration and does not say which variable (the log does)", async () => {
    process.env.NETPOL_PROPAGATION_SECONDS = "soon";
    resetConfigForTests();
    const r = await ready();
    expect(r.status).toBe(503);
    expect(r.body).toEqual({
      status: "not ready",
      checks: { config: "invalid", database: "skipped", migrations: "skipped", clusters: "skipped", steps: "ok" },
    });
    expect(r.text).not.toContain("NETPOL");
  });

  it("is 503 'unreachable' when the database cannot be opened, without its URL", async () => {
    process.env.DATABASE_URL = "postgres://airlock:hunter2@127.0.0.1:1/airlock";
    resetConfigForTests();
    const r = await ready();
    expect(r.status).toBe(503);
    expect(r.body.checks.database).toBe("unreachable");
    expect(r.text).not.toMatch(/hunter2|127\.0\.0\.1|ECONNREFUSED/);
  });

  it("is 503 'unreadable' when a KUBECONFIG file is missing, without the path", async () => {
    const missing = path.join(dir, "gone", "kubeconfig");
    process.env.KUBECONFIG = [kubeconfig, missing].join(path.delimiter);
    process.env.DATABASE_URL = `file:${path.join(dir, "a.sqlite")}`;
    resetConfigForTests();
    const r = await ready();
    expect(r.status).toBe(503);
    expect(r.body.checks).toEqual({ config: "ok", database: "ok", migrations: "ok", clusters: "unreadable", steps: "ok" });
    expect(r.text).not.toContain(dir);
  });
});

describe("clustersCheck", () => {
  it("inside a pod without KUBECONFIG reads the service-account token", () => {
    const inPod = { KUBERNETES_SERVICE_HOST: "10.0.0.1" };
    expect(clustersCheck({}, inPod)).toBe(fs.existsSync(IN_CLUSTER_TOKEN) ? "ok" : "unreadable");
    expect(clustersCheck({}, {})).toBe("ok");
    expect(clustersCheck({ kubeconfig: dir }, {})).toBe("unreadable");
  });
});
