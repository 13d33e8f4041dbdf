import { expect, test } from "@playwright/test";
import { findCompromisedPod, PAYMENTS, resetSimulator, signIn } from "./support";

// The pods list says which pod is suspicious, and at 1440 px neither the
// pods table nor a pod's log tail widens the page.
const pods = `/clusters/${encodeURIComponent(PAYMENTS)}/pods`;

test.beforeAll(async ({ request }) => {
  await resetSimulator(request);
});

test.use({ viewport: { width: 1440, height: 900 } });

test("the compromised pod carries a security-events marker and comes first when the list is filtered", async ({ page }) => {
  await signIn(page, "analyst@demo.local");
  const target = await findCompromisedPod(page.request);

  await page.goto(pods);
  const filters = page.getByRole("search", { name: "Filter pods" });
  await filters.getByLabel("Namespace").fill(target.namespace);
  await filters.getByRole("button", { name: /apply|filter/i }).click();
  await expect(page).toHaveURL(/namespace=shop/);

  const table = page.getByRole("table", { name: "Pods" });
  const first = table.getByRole("row").nth(1);
  await expect(first.getByRole("link", { name: target.name, exact: true })).toBeVisible();
  await expect(first.getByText(/\d+ security events/)).toBeVisible();
  // Only the compromised pod has security events in the demo.
  await expect(table.getByText(/security events?/)).toHaveCount(1);
  await expect(first.getByText(/SuspiciousExec/)).toHaveCount(1); // read aloud with the marker
  expect(await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)).toBeLessThanOrEqual(0);
  await page.screenshot({ path: test.info().outputPath("pods-1440.png") });

  // An open incident is a marker of its own, linking to the incident.
  const title = `Pods marker check on ${target.name}`;
  const opened = await page.request.post("/api/v1/incidents", { data: { cluster: PAYMENTS, namespace: target.namespace, pod: target.name, title } });
  expect(opened.status()).toBe(201);
  await page.reload();
  await table.getByRole("row").nth(1).getByRole("link", { name: "open incident" }).click();
  await expect(page.getByRole("heading", { level: 1, name: title })).toBeVisible();
});

test("a pod's log tail wraps inside its own focusable region instead of widening the page", async ({ page }) => {
  await signIn(page, "analyst@demo.local");
  const target = await findCompromisedPod(page.request);
  await page.goto(`${pods}/${target.namespace}/${target.name}`);
  const tail = page.getByRole("region", { name: /^Last log lines of / }).first();
  await expect(tail).toBeVisible();
  await tail.focus();
  await expect(tail).toBeFocused();
  expect(await tail.evaluate((el) => el.scrollWidth - el.clientWidth)).toBeLessThanOrEqual(0);
  expect(await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)).toBeLessThanOrEqual(0);
  await page.screenshot({ path: test.info().outputPath("pod-1440.png"), fullPage: true });
});
