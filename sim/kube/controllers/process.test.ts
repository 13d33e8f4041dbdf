/* eslint-disable @typescript-eslint/no-explicit-any */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSimProcess, type SimProcess } from "../../test/harness";

// The controllers as a client meets them: through the simulator process and its HTTP API only.

let sim: SimProcess;
beforeAll(async () => {
  sim = await startSimProcess(["--scenario", "demo", "--seed", "1"]);
});
afterAll(async () => sim?.stop());

const api = (path: string) => `${sim.base}/clusters/payments${path}`;

async function json(path: string, init?: RequestInit): Promise<{ status: number; body: any }> {
  const res = await fetch(api(path), { ...init, headers: { "Content-Type": "application/json", Accept: "application/json", ...(init?.headers ?? {}) } });
  return { status: res.status, body: await res.json() };
}

async function advance(seconds: number): Promise<void> {
  const res = await fetch(`${sim.base}/_sim/clock/advance`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ seconds }),
  });
  expect(res.status).toBe(200);
}

/** Controllers run on the next tick after a change; poll briefly for the state to appear. */
async function eventually<T>(fn: () => Promise<T | undefined>): Promise<T> {
  for (let i = 0; i < 100; i++) {
    const v = await fn();
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error("state never appeared");
}

const evict = (name: string) =>
  json(`/api/v1/namespaces/shop/pods/${name}/eviction`, {
    method: "POST",
    body: JSON.stringify({ apiVersion: "policy/v1", kind: "Eviction", metadata: { name, namespace: "shop" } }),
  });

describe("demo over HTTP", () => {
  it("evicts under the checkout budget: 201, then 429 while the replacement starts, then 201", async () => {
    const pods = (await json("/api/v1/namespaces/shop/pods?labelSelector=app%3Dcheckout")).body.items;
    expect(pods).toHaveLength(2);
    const victim = pods.find((p: any) => p.metadata.annotations?.["airlock.sim/compromised"] === "true");
    const other = pods.find((p: any) => p !== victim);

    const first = await evict(other.metadata.name);
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ kind: "Status", status: "Success" });

    const refused = await evict(victim.metadata.name);
    expect(refused.status).toBe(429);
    expect(refused.body).toMatchObject({
      reason: "TooManyRequests",
      message: "Cannot evict pod as it would violate the pod's disruption budget.",
      details: { causes: [{ reason: "DisruptionBudget", message: "The disruption budget checkout-pdb needs 1 healthy pods and has 1 currently" }] },
    });

    // The ReplicaSet's replacement is created at once and Ready within two simulated seconds.
    await eventually(async () => {
      const now = (await json("/api/v1/namespaces/shop/pods?labelSelector=app%3Dcheckout")).body.items;
      return now.length === 3 ? now : undefined;
    });
    await advance(3);
    const pdb = await eventually(async () => {
      const b = (await json("/apis/policy/v1/namespaces/shop/poddisruptionbudgets/checkout-pdb")).body;
      return b.status?.disruptionsAllowed === 1 ? b : undefined;
    });
    expect(pdb.status.currentHealthy).toBe(2);
    expect((await evict(victim.metadata.name)).status).toBe(201);

    // Terminating pods go when their grace period has passed on the simulated clock.
    await advance(31);
    const gone = await json(`/api/v1/namespaces/shop/pods/${other.metadata.name}`);
    expect(gone.status).toBe(404);
  });

  it("moves Endpoints when a pod's labels stop matching the Service", async () => {
    const pods = (await json("/api/v1/namespaces/shop/pods?labelSelector=app%3Dfrontend")).body.items;
    const target = pods[0].metadata.name;
    const patched = await fetch(api(`/api/v1/namespaces/shop/pods/${target}`), {
      method: "PATCH",
      headers: { "Content-Type": "application/merge-patch+json" },
      body: JSON.stringify({ metadata: { labels: { app: null, quarantine: "true" } } }),
    });
    expect(patched.status).toBe(200);
    const ep = await eventually(async () => {
      const b = (await json("/api/v1/namespaces/shop/endpoints/frontend")).body;
      const names = (b.subsets ?? []).flatMap((s: any) => (s.addresses ?? []).map((a: any) => a.targetRef.name));
      return names.includes(target) ? undefined : names;
    });
    expect(ep).toHaveLength(2);
    const pod = (await json(`/api/v1/namespaces/shop/pods/${target}`)).body;
    expect(pod.metadata.ownerReferences ?? []).toHaveLength(0);
  });
});
