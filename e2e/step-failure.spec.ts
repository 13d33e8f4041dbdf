import { expect, test, type Page } from "@playwright/test";
import { clearFaults, findCompromisedPod, injectFault, PAYMENTS, resetSimulator, signIn, type PodRef } from "./support";

// A step the cluster refuses: the API server answers 403 to cordon-node's PATCH (injected through
// the simulator's /_sim/faults). The analyst must read in the wizard what failed, on which node,
// and the API server's answer, exactly as an API caller reads it; not an opaque reference.

let page: Page;
let target: PodRef;

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
// The reference differs per request (each is a log line of its own); the reason must not.
const withoutRef = (s: string) => s.replace(/ \(ref [0-9a-f]{12}\)$/, "");

test.beforeAll(async ({ browser }) => {
  page = await browser.newPage();
  await resetSimulator(page.request);
  await signIn(page, "analyst@demo.local");
  target = await findCompromisedPod(page.request);
});

test.afterAll(async () => {
  await clearFaults(page.request);
});

test("a step refused by the API server shows its readable reason in the wizard, as the API does", async () => {
  const title = `Refused cordon on ${target.name}`;
  const opened = await page.request.post("/api/v1/incidents", { data: { cluster: PAYMENTS, namespace: target.namespace, pod: target.name, title } });
  expect(opened.status()).toBe(201);
  const { id } = (await opened.json()) as { id: string };
  await page.goto(`/incidents/${id}`);
  await expect(page.getByRole("heading", { level: 1, name: title })).toBeVisible();

  const card = page.getByRole("region", { name: "Cordon the node", exact: true });
  await card.getByRole("button", { name: /^Plan/ }).click();
  await expect(card.getByRole("group", { name: "Plan" })).toBeVisible();

  // Armed after the plan's server-side dry run: from here on the API server refuses to patch the node.
  await injectFault(page.request, { path: `^/clusters/[^/]+/api/v1/nodes/${escapeRegExp(target.node)}$`, method: "PATCH", status: 403 });
  await card.getByRole("button", { name: "Execute" }).click();

  const reason = `"Cordon the node" failed: Cordoning ${target.node}: injected fault: status 403`;
  const alert = card.getByRole("alert").filter({ hasText: "failed:" });
  await expect(alert).toHaveText(new RegExp(`^${escapeRegExp(reason)} \\(ref [0-9a-f]{12}\\)$`));
  await expect(card.getByText(/Something went wrong/)).toHaveCount(0);

  // The timeline and the card keep the failure after a reload.
  await page.reload();
  await expect(card.getByRole("status", { name: /^Status:/ })).toHaveAccessibleName("Status: failed");
  await expect(card.getByText(`Cordoning ${target.node}: injected fault: status 403`, { exact: false })).toBeVisible();

  // The same fault through the API: the same text, only the reference differs.
  const base = `/api/v1/incidents/${id}/steps/cordon-node`;
  const plan = await page.request.post(`${base}/plan`, { data: {} });
  expect(plan.status()).toBe(200);
  const { planHash } = (await plan.json()) as { planHash: string };
  const executed = await page.request.post(`${base}/execute`, { data: { planHash } });
  expect(executed.status()).toBe(502);
  const { error } = (await executed.json()) as { error: { message: string; reason: string } };
  expect(error.reason).toBe("step-failed");
  expect(withoutRef(error.message)).toBe(reason);
});
