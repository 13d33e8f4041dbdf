import AxeBuilder from "@axe-core/playwright";
import { expect, test, type Locator, type Page } from "@playwright/test";
import { PAYMENTS, findCompromisedPod, resetSimulator, signIn, type PodRef } from "./support";

// Live response in the wizard: an analyst triages the demo's compromised checkout container
// from a toolbox (debug-container) and copies the miner out of it (acquire-files), then sees
// what was stored, with SHA-256, beside each step. Nothing from the app image runs.

test.describe.configure({ mode: "serial" });

let page: Page;
let target: PodRef;

const card = (title: string): Locator => page.getByRole("region", { name: title, exact: true });
const statusOf = (c: Locator): Locator => c.getByRole("status", { name: /^Status:/ });

async function planAndExecute(c: Locator): Promise<void> {
  await c.getByRole("button", { name: /^Plan/ }).click();
  await expect(c.getByRole("group", { name: "Plan" })).toBeVisible();
  const execute = c.getByRole("button", { name: "Execute" });
  await expect(execute).toBeEnabled();
  await execute.click();
  await expect(statusOf(c)).toHaveAccessibleName(/Status: succeeded/, { timeout: 60_000 });
}

test.beforeAll(async ({ browser }) => {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  page = await context.newPage();
  await resetSimulator(page.request);
  await signIn(page, "analyst@demo.local");
  target = await findCompromisedPod(page.request);
});

test("opens an incident on the compromised pod", async () => {
  await page.goto(`/clusters/${encodeURIComponent(PAYMENTS)}/pods/${target.namespace}/${target.name}`);
  await page.getByRole("link", { name: "Open incident" }).click();
  await page.getByLabel("Title").fill(`Live response on ${target.name}`);
  await page.getByRole("button", { name: "Open incident" }).click();
  await expect(page.getByRole("heading", { level: 1, name: `Live response on ${target.name}` })).toBeVisible();
});

test("debug-container: the toolbox lists the miner and its pool connection, every output stored with SHA-256", async () => {
  const c = card("Triage the container from a toolbox");
  await c.getByRole("button", { name: /^Plan/ }).click();
  const plan = c.getByRole("group", { name: "Plan" });
  await expect(plan).toContainText("stays in the pod spec");
  await planAndExecute(c);
  await expect(c).toContainText("/tmp/.X11-unix/kworkerd");
  await expect(c).toContainText("198.51.100.23:3333 ESTABLISHED");
  const stored = c.getByRole("table", { name: /Triage outputs: stored artifacts/ });
  await expect(stored.getByRole("link", { name: /Download triage-checkout-network\.txt/ })).toBeVisible();
  await expect(stored.getByRole("row")).toHaveCount(7);
  await expect(stored).toContainText(/[0-9a-f]{64}/);
});

test("acquire-files: copies the miner and the stolen token into the evidence store", async () => {
  const c = card("Copy files out of the container");
  await c.getByLabel("Paths").fill("/tmp/.X11-unix/kworkerd /tmp/.t");
  await planAndExecute(c);
  const stored = c.getByRole("table", { name: /Copied files: stored artifacts/ });
  const miner = stored.getByRole("row").filter({ hasText: "kworkerd" });
  await expect(miner).toContainText("1572987");
  await expect(miner).toContainText(/[0-9a-f]{64}/);
  await expect(stored.getByRole("row").filter({ hasText: "_tmp_.t" })).toBeVisible();
  await c.scrollIntoViewIfNeeded();
  await page.screenshot({ path: "test-results/live-response.png", fullPage: false });
});

test("the incident page has no serious or critical axe violation after live response", async () => {
  await page.waitForLoadState("networkidle");
  const result = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]).analyze();
  const serious = result.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id} (${v.impact}): ${v.help}\n  ${v.nodes.map((n) => n.target.join(" ")).join("\n  ")}`);
  expect(serious).toEqual([]);
});
