import AxeBuilder from "@axe-core/playwright";
import { expect, test, type Locator, type Page } from "@playwright/test";
import { ISOLATION_CHECK_STEP } from "../lib/containment/runbooks/definitions";
import { PAYMENTS, findCompromisedPod, resetSimulator, signIn, type PodRef } from "./support";

// "Isolate now": the isolate-pod runbook reviewed as one combined plan, confirmed once by typing
// the pod's name, run in one call, with progress per step, ending in a verified pod-network
// isolation on the containment board.

test.describe.configure({ mode: "serial" });

let page: Page;
let target: PodRef;

const board = (): Locator => page.getByRole("region", { name: "Containment board" });
const layer = (title: string): Locator => board().getByRole("row", { name: new RegExp(`^${title}`) });

async function seriousViolations(p: Page): Promise<string[]> {
  const result = await new AxeBuilder({ page: p }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]).analyze();
  return result.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id} (${v.impact}): ${v.help}\n  ${v.nodes.map((n) => n.target.join(" ")).join("\n  ")}`);
}

test.beforeAll(async ({ browser }) => {
  // axe needs a page of a context made with browser.newContext().
  const context = await browser.newContext({ viewport: { width: 1440, height: 1000 } });
  page = await context.newPage();
  await resetSimulator(page.request);
  await signIn(page, "analyst@demo.local");
  target = await findCompromisedPod(page.request);
});

test("Isolate now shows every step's plan and the propagation wait under one confirmation", async () => {
  await page.goto(`/incidents/new?cluster=${encodeURIComponent(PAYMENTS)}&namespace=${target.namespace}&pod=${target.name}`);
  await page.getByLabel("Title").fill(`Runbook: miner in ${target.name}`);
  await page.getByRole("button", { name: "Open incident" }).click();
  await expect(page.getByRole("heading", { level: 1, name: `Runbook: miner in ${target.name}` })).toBeVisible();

  await page.getByRole("button", { name: "Isolate now", exact: true }).click();
  const plan = page.getByRole("list", { name: "Combined plan" });
  await expect(plan).toBeVisible({ timeout: 30_000 });
  await expect(plan.getByRole("heading", { level: 3 })).toHaveText([
    /^1\. Label the pod quarantine=true/,
    /^2\. Exclude the pod from existing allow policies/,
    /^3\. Apply the deny-all NetworkPolicy/,
    // The isolation check (ISOLATION_CHECK_STEP), whichever step that is.
    /^4\. /,
  ]);
  await expect(plan).toContainText("allow-checkout-from-frontend");
  await expect(plan).toContainText(/Runs after the NetworkPolicy propagation window: about 10 s/);
  // The check is not passive, and the one confirmation covers that: probe pods it creates, and the ephemeral container it leaves in the pod.
  await expect(plan).toContainText(`Pod ${target.namespace}/airlock-probe-`);
  await expect(plan).toContainText("spec.ephemeralContainers");
  // One confirmation for every step: the run button waits for the pod's name.
  const run = page.getByRole("button", { name: "Run all 4 steps" });
  await expect(run).toBeDisabled();
  await page.getByLabel("Type the pod name to confirm").fill(target.name);
  await expect(run).toBeEnabled();
  expect(await seriousViolations(page)).toEqual([]);
  await page.screenshot({ path: "test-results/runbook-1-plan.png", fullPage: true });
});

test("one click runs the steps in order and reaches a verified pod-network isolation on the board", async () => {
  await page.getByRole("button", { name: "Run all 4 steps" }).click();
  const progress = page.getByRole("list", { name: "Progress per step" });
  await expect(progress).toBeVisible();
  await expect(progress.locator('[data-step="label-quarantine"]')).toHaveAttribute("data-status", "succeeded", { timeout: 20_000 });

  await expect(page.getByRole("status").filter({ hasText: "Pod network isolated and verified" })).toBeVisible({ timeout: 90_000 });
  const result = page.getByRole("list", { name: "Result per step" });
  await expect(result.locator("li")).toHaveCount(4);
  for (const li of await result.locator("li").all()) await expect(li).toHaveAttribute("data-status", "success");
  await expect(result.locator(`[data-step="${ISOLATION_CHECK_STEP}"]`)).toContainText(/verified: holds/);

  await expect(layer("Pod network: ingress")).toContainText("in effect", { timeout: 40_000 });
  await expect(layer("Pod network: egress")).toContainText("in effect");
  await expect(board().getByRole("status", { name: "Time to contain" })).toContainText(/Time to contain: \d+ (s|min)/);
  expect(await seriousViolations(page)).toEqual([]);
  await page.screenshot({ path: "test-results/runbook-2-contained.png", fullPage: true });
});

test("the lead's timeline charts time-to-contain over incidents, with the table as its data", async () => {
  await page.getByRole("link", { name: "Timeline", exact: true }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Timeline" })).toBeVisible();
  const chart = page.getByRole("img", { name: "Time to contain per incident, oldest first" });
  await expect(chart).toBeVisible();
  await expect(chart).toHaveAccessibleDescription(/^Median \d+ (s|min).*worst \d+ (s|min).*over \d+ contained incidents?\./);
  await expect(
    page.getByRole("table", { name: "Time to contain per incident" }).getByRole("row", { name: new RegExp(`Runbook: miner in ${target.name}`) }),
  ).toContainText(/\d+ (s|min)/);
  expect(await seriousViolations(page)).toEqual([]);
  await page.getByRole("region", { name: "Time to contain" }).screenshot({ path: "test-results/runbook-3-chart.png" });
});
