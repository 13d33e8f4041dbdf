import fs from "node:fs";
import path from "node:path";
import { expect, type APIRequestContext, type Page } from "@playwright/test";

// Shared steps for the specs: sign in through the real form, and find the demo's compromised
// pod the way an analyst's tooling would, through /api/v1 with the signed-in session.
export const PAYMENTS = "gke_acme-prod_us-central1-a_payments";
export const DEMO_PASSWORD = process.env.DEMO_PASSWORD ?? "airlock-demo";

/**
 * Signs in the way a person does: open the root URL, follow the redirect to the sign-in form,
 * submit (by click, or by Enter in the password field) and land on the home page. Starting at
 * /signin directly once hid a redirect loop that only the root URL triggers.
 */
export async function signIn(page: Page, email: string, opts: { submit?: "click" | "enter"; origin?: string } = {}): Promise<void> {
  await page.goto(`${opts.origin ?? ""}/`);
  await expect(page).toHaveURL(/\/signin\?callbackUrl=%2F$/);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(DEMO_PASSWORD);
  if (opts.submit === "enter") await page.getByLabel("Password").press("Enter");
  else await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Incident response" })).toBeVisible();
  await expect(page).toHaveURL(/^[^?#]*:\/\/[^/]+\/$/);
}

export interface PodRef {
  namespace: string;
  name: string;
  node: string;
}

export async function findCompromisedPod(request: APIRequestContext): Promise<PodRef> {
  const list = await request.get(`/api/v1/clusters/${PAYMENTS}/pods?namespace=shop&labelSelector=app%3Dcheckout`);
  expect(list.status()).toBe(200);
  const { items } = (await list.json()) as { items: { namespace: string; name: string; node: string | null }[] };
  for (const p of items) {
    const detail = await request.get(`/api/v1/clusters/${PAYMENTS}/pods/${p.namespace}/${p.name}`);
    const body = (await detail.json()) as { pod: { annotations: Record<string, string> } };
    if (body.pod.annotations["airlock.sim/compromised"] === "true") return { namespace: p.namespace, name: p.name, node: p.node ?? "" };
  }
  throw new Error("the demo's compromised checkout pod was not found");
}

/** The simulator's address, from the kubeconfig `npm run demo` wrote. */
export function simulatorBase(): string {
  const kubeconfig = fs.readFileSync(path.resolve(__dirname, "..", ".data", "demo", "kubeconfig"), "utf8");
  const server = /server:\s*(http:\/\/127\.0\.0\.1:\d+)/.exec(kubeconfig)?.[1];
  if (!server) throw new Error("no simulator address in .data/demo/kubeconfig");
  return server;
}

/**
 * Every spec file starts from the demo scenario as built: the specs share one console and one
 * simulator, and containment changes the world (an approved delete-pod removes the pod the next
 * spec looks for). The simulator's own /_sim/reset rebuilds it with the same seed and names,
 * and clears injected faults.
 */
export async function resetSimulator(request: APIRequestContext): Promise<void> {
  const reset = await request.post(`${simulatorBase()}/_sim/reset`);
  expect(reset.status()).toBe(200);
}

/** Makes the simulator answer matching requests with an error status (see sim/control/router.ts). */
export async function injectFault(request: APIRequestContext, rule: { path: string; method: string; status: number; times?: number }): Promise<void> {
  const res = await request.post(`${simulatorBase()}/_sim/faults`, { data: rule });
  expect(res.status()).toBe(201);
}

export async function clearFaults(request: APIRequestContext): Promise<void> {
  expect((await request.delete(`${simulatorBase()}/_sim/faults`)).status()).toBe(200);
}
