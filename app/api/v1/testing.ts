// Test support only (never imported by app code): the API's route handlers called as a client
// would call them, API tokens for test users (both in route-call.ts, vitest-free, re-exported
// here), and the simulator tripwire that proves a refusal happened before any cluster call.
import { expect } from "vitest";
import { kubeApis } from "@/lib/kube/clients";
import type { SimProcess } from "@/sim/test/harness";

export { callRoute, routeResponse, userToken, userWithToken, type Json, type RouteHandler } from "./route-call";

/** Arms a one-shot 503 on every Kubernetes path: if it is still armed later, nothing reached a cluster meanwhile. */
export async function armTripwire(sim: SimProcess): Promise<void> {
  const res = await fetch(`${sim.base}/_sim/faults`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ path: "^/clusters/", method: "*", rate: 1, status: 503, times: 1 }),
  });
  expect(res.status).toBe(201);
}

/** Whether the tripwire is still armed (then disarms it). */
export async function tripwireStillArmed(sim: SimProcess, cluster: string): Promise<boolean> {
  try {
    // No withRetry here: the first answer is the one that tells.
    await kubeApis(cluster).core.listNamespacedPod({ namespace: "shop", limit: 1 });
    return false;
  } catch (err) {
    return (err as { code?: number }).code === 503;
  } finally {
    await fetch(`${sim.base}/_sim/faults`, { method: "DELETE" });
  }
}
