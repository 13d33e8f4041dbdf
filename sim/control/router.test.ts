import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSimProcess, type SimProcess } from "../test/harness";

// The control surface against a real simulator process, as the console's tests will use it.

let sim: SimProcess;
beforeAll(async () => {
  sim = await startSimProcess(["--scenario", "empty", "--netpol-delay", "300"]);
});
afterAll(() => sim?.stop());

async function call(method: string, path: string, body?: unknown) {
  const res = await fetch(`${sim.base}${path}`, {
    method,
    headers: { "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

describe("/_sim/ control routes", () => {
  it("reports health", async () => {
    const r = await call("GET", "/_sim/health");
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ ok: true, scenario: "empty", clusters: ["sandbox"] });
  });

  it("advances the simulated clock and refuses to go back", async () => {
    const before = (await call("GET", "/_sim/clock")).body.epochMs;
    const after = await call("POST", "/_sim/clock/advance", { seconds: 3600 });
    expect(after.status).toBe(200);
    expect(after.body.epochMs - before).toBeGreaterThanOrEqual(3600_000);
    expect((await call("POST", "/_sim/clock/advance", { seconds: -5 })).status).toBe(400);
  });

  it("injects a fault that a real request then meets, the given number of times", async () => {
    const added = await call("POST", "/_sim/faults", { path: "^/clusters/sandbox/version", method: "GET", status: 503, times: 1 });
    expect(added.status).toBe(201);
    expect(added.body.id).toMatch(/^fault-/);
    expect((await call("GET", "/_sim/faults")).body.items).toHaveLength(1);
    const hit = await fetch(`${sim.base}/clusters/sandbox/version`);
    expect(hit.status).toBe(503);
    expect(await hit.json()).toMatchObject({ kind: "Status", reason: "ServiceUnavailable", code: 503 });
    expect((await fetch(`${sim.base}/clusters/sandbox/version`)).status).not.toBe(503);

    await call("POST", "/_sim/faults", { path: "^/compute/v1/", status: "drop" });
    await expect(fetch(`${sim.base}/compute/v1/projects/airlock-empty/zones/us-central1-a/instances`)).rejects.toThrow();
    expect((await call("DELETE", "/_sim/faults")).body).toEqual({ cleared: 2 });

    // drop-after: the write lands, its answer is lost; the request log still shows it.
    const ns = { apiVersion: "v1", kind: "Namespace", metadata: { name: "lost-answer" } };
    await call("POST", "/_sim/faults", { path: "^/clusters/sandbox/api/v1/namespaces$", method: "POST", status: "drop-after", times: 1 });
    await expect(call("POST", "/clusters/sandbox/api/v1/namespaces", ns)).rejects.toThrow();
    expect((await call("GET", "/clusters/sandbox/api/v1/namespaces/lost-answer")).status).toBe(200);
    const { items } = (await call("GET", "/_sim/requests?writes=true")).body as { items: { method: string; path: string; status: number }[] };
    expect(items.filter((r) => r.path === "/clusters/sandbox/api/v1/namespaces")).toEqual([expect.objectContaining({ method: "POST", status: 201 })]);
    expect((await call("DELETE", "/_sim/faults")).body).toEqual({ cleared: 1 });
    expect((await call("POST", "/_sim/faults", { path: "(" })).status).toBe(400);
    expect((await call("POST", "/_sim/faults", { path: "x", status: "teapot" })).status).toBe(400);
  });

  it("records access and IAM denials", async () => {
    expect((await call("POST", "/_sim/access-denials", { cluster: "sandbox", verb: "delete", resource: "pods", namespace: "shop" })).status).toBe(201);
    expect((await call("POST", "/_sim/access-denials", { cluster: "nowhere", verb: "get", resource: "pods" })).status).toBe(404);
    expect((await call("GET", "/_sim/access-denials")).body.items).toEqual([{ cluster: "sandbox", verb: "delete", resource: "pods", namespace: "shop" }]);
    expect((await call("DELETE", "/_sim/access-denials")).body).toEqual({ cleared: 1 });
    expect((await call("POST", "/_sim/iam-denials", { permissions: ["compute.instances.setTags"] })).body).toEqual({
      permissions: ["compute.instances.setTags"],
    });
    expect((await call("POST", "/_sim/iam-denials", { permissions: "x" })).status).toBe(400);
    expect((await call("DELETE", "/_sim/iam-denials")).body).toEqual({ permissions: [] });
  });

  it("compacts watch history", async () => {
    const r = await call("POST", "/_sim/clusters/sandbox/compact", {});
    expect(r.status).toBe(200);
    expect(r.body.oldestResumableVersion).toBe(r.body.currentResourceVersion);
  });

  it("answers NetworkPolicy questions", async () => {
    const e = await call("GET", "/_sim/netpol/sandbox/enforcement");
    expect(e.body).toMatchObject({ enforced: true, reason: expect.stringMatching(/Dataplane V2/) });
    const c = await call("GET", "/_sim/netpol/sandbox/check?src=203.0.113.4&dst=10.4.0.99&port=80");
    expect(c.status).toBe(200);
    expect(c.body).toMatchObject({ allowed: true, enforced: true });
    expect((await call("GET", "/_sim/netpol/sandbox/check?src=shop/ghost&dst=10.4.0.99&port=80")).status).toBe(404);
    expect((await call("GET", "/_sim/netpol/sandbox/check?src=1.2.3.4&dst=10.4.0.99&port=0")).status).toBe(400);
  });

  it("resets to the scenario with the same seed", async () => {
    const healthBefore = (await call("GET", "/_sim/health")).body;
    const instances = async () => (await call("GET", "/compute/v1/projects/airlock-empty/zones/us-central1-a/instances")).body;
    const instancesBefore = await instances();
    await call("POST", "/_sim/faults", { path: "^/nothing", status: 500 });
    await call("POST", "/_sim/access-denials", { cluster: "sandbox", verb: "*", resource: "*" });
    await call("POST", "/_sim/iam-denials", { permissions: ["compute.firewalls.create"] });
    const clockBefore = (await call("GET", "/_sim/clock")).body.epochMs;
    const r = await call("POST", "/_sim/reset");
    expect(r.body).toMatchObject({ ok: true, clusters: healthBefore.clusters });
    // Same seed, same names and ids.
    expect(await instances()).toEqual(instancesBefore);
    expect((await call("GET", "/_sim/faults")).body.items).toEqual([]);
    expect((await call("GET", "/_sim/access-denials")).body.items).toEqual([]);
    expect((await call("GET", "/_sim/iam-denials")).body.permissions).toEqual([]);
    // The hour advanced earlier is gone: simulated time is back to real time.
    expect((await call("GET", "/_sim/clock")).body.epochMs).toBeLessThan(clockBefore - 3000_000);
  });

  it("answers unknown routes and methods", async () => {
    expect((await call("GET", "/_sim/nothing")).status).toBe(404);
    expect((await call("PUT", "/_sim/reset")).status).toBe(405);
  });

  it("logs API requests and tells writes from reads (access reviews and Compute list/wait POSTs are reads)", async () => {
    const { last } = (await call("GET", "/_sim/requests")).body;
    await fetch(`${sim.base}/clusters/sandbox/api/v1/namespaces/default/pods`);
    await fetch(`${sim.base}/clusters/sandbox/apis/authorization.k8s.io/v1/selfsubjectaccessreviews`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({
        apiVersion: "authorization.k8s.io/v1",
        kind: "SelfSubjectAccessReview",
        spec: { resourceAttributes: { verb: "list", resource: "pods" } },
      }),
    });
    const created = await fetch(`${sim.base}/clusters/sandbox/api/v1/namespaces/default/configmaps`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "logged" } }),
    });
    expect(created.status).toBe(201);
    // A dry run stores nothing: logged, but not as a write.
    const dry = await fetch(`${sim.base}/clusters/sandbox/api/v1/namespaces/default/configmaps?dryRun=All`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "not-stored" } }),
    });
    expect(dry.status).toBe(201);
    const all = (await call("GET", `/_sim/requests?since=${last}`)).body.items;
    expect(all.map((r: { method: string; write: boolean; dryRun?: boolean }) => `${r.method} ${r.write}${r.dryRun ? " dry" : ""}`)).toEqual([
      "GET false",
      "POST false",
      "POST true",
      "POST false dry",
    ]);
    const writes = (await call("GET", `/_sim/requests?since=${last}&writes=true&cluster=sandbox`)).body.items;
    expect(writes).toEqual([
      expect.objectContaining({
        method: "POST",
        path: "/clusters/sandbox/api/v1/namespaces/default/configmaps",
        status: 201,
        api: "kube",
        cluster: "sandbox",
        write: true,
      }),
    ]);
    // An API that ignores dryRun acts on the request, so it stays a write.
    const beforeIgnored = (await call("GET", "/_sim/requests")).body.last;
    await fetch(`${sim.base}/compute/v1/projects/p/zones/z/instances/i/stop?dryRun=All`, { method: "POST" });
    await fetch(`${sim.base}/clusters/sandbox/api/v1/namespaces/default/pods/nope/exec?dryRun=All&command=true`, { method: "POST" });
    const ignored = (await call("GET", `/_sim/requests?since=${beforeIgnored}&writes=true`)).body.items;
    expect(ignored.map((r: { path: string; dryRun?: boolean }) => [r.path.split("/").pop(), r.dryRun])).toEqual([
      ["stop", undefined],
      ["exec", undefined],
    ]);
    expect((await call("GET", "/_sim/requests?since=-1")).status).toBe(400);
    expect((await call("DELETE", "/_sim/requests")).body.cleared).toBeGreaterThan(0);
  });
});
