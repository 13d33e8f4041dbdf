// Test support only (never imported by app code): the API's route handlers called as a client
// would call them, API tokens for test users, and the simulator tripwire that proves a refusal
// happened before any cluster call.
import { NextRequest } from "next/server";
import { expect } from "vitest";
import { createToken, createUser } from "@/lib/auth";
import type { Role } from "@/lib/auth/roles";
import { kubeApis } from "@/lib/kube/clients";
import type { Db } from "@/lib/store";
import type { SimProcess } from "@/sim/test/harness";

export type RouteHandler = (req: NextRequest, ctx: { params: Promise<Record<string, string>> }) => Promise<Response>;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = Record<string, any>;

/** The handler's Response to a request with an optional bearer token and JSON body. */
export function routeResponse(
  handler: RouteHandler,
  method: string,
  url: string,
  params: Record<string, string>,
  token?: string,
  body?: unknown,
): Promise<Response> {
  const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
  if (body !== undefined) headers["content-type"] = "application/json";
  const req = new NextRequest(`http://airlock.test${url}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  return handler(req, { params: Promise.resolve(params) });
}

/** The same, read: status and JSON body (undefined when empty). */
export async function callRoute(
  handler: RouteHandler,
  method: string,
  url: string,
  params: Record<string, string>,
  token?: string,
  body?: unknown,
): Promise<{ status: number; body: Json }> {
  const res = await routeResponse(handler, method, url, params, token, body);
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : undefined) as Json };
}

/** A new user with these roles and an API token for them. */
export async function userToken(db: Db, email: string, roles: Role[]): Promise<string> {
  return (await createToken(db, (await createUser(db, { email, roles })).id, "t")).token;
}

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
