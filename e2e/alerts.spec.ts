import AxeBuilder from "@axe-core/playwright";
import { expect, test } from "@playwright/test";
import { findCompromisedPod, resetSimulator, signIn, simulatorBase } from "./support";

// The demo opens on an alert: the simulator, as Falcosidekick and as SCC's Pub/Sub push, reports
// the compromised pod as soon as the console is up. Policy opened an incident for it and
// collected evidence before anyone clicked. An analyst starts at /, signs in, opens Alerts,
// sees the pod's alerts with their counts, and follows the pod's incident.

test("an analyst finds the demo's alert on the Alerts page, with its count, and opens its incident", async ({ page }) => {
  await resetSimulator(page.request);
  await signIn(page, "analyst@demo.local");
  const target = await findCompromisedPod(page.request);
  // The detectors fire again (as on start): the same alerts within the window only count up.
  const attack = await page.request.post(`${simulatorBase()}/_sim/attack`, { data: {} });
  expect(attack.status()).toBe(200);
  const { deliveries } = (await attack.json()) as { deliveries: { kind: string; status: number }[] };
  expect(deliveries.map((d) => d.kind)).toEqual(["falco", "scc"]);
  for (const d of deliveries) expect([200, 201]).toContain(d.status);

  // A sender with the wrong secret is refused, and the refusal is on record.
  const wrong = await page.request.post("/api/v1/alerts/falco", { headers: { "x-airlock-ingest-secret": "wrong-secret" }, data: { rule: "forged" } });
  expect(wrong.status()).toBe(401);

  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Alerts" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Alerts" })).toBeVisible();
  const name = `${target.namespace}/${target.name}`;
  const section = page.getByRole("region", { name: new RegExp(name) });
  const table = section.getByRole("table", { name: `Alerts on ${name}, newest first` });
  const falco = table.getByRole("row", { name: /Detect outbound connections to common miner pool ports/ });
  await expect(falco).toBeVisible();
  await expect(falco.getByRole("cell", { name: "Impact" })).toBeVisible();
  // Sent on start and again just now: counted, not listed twice.
  const count = Number(await falco.getByRole("cell", { name: /times?$/ }).innerText());
  expect(count).toBeGreaterThanOrEqual(2);
  await expect(table.getByRole("row", { name: /Execution: Added Binary Executed/ }).getByRole("cell", { name: "Execution", exact: true })).toBeVisible();

  const refusals = page.getByRole("table", { name: "Recent refused and replayed deliveries, newest first" });
  await expect(
    refusals
      .getByRole("row", { name: /401 rejected/ })
      .filter({ hasText: "does not match" })
      .first(),
  ).toBeVisible();

  const axe = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]).analyze();
  expect(axe.violations.filter((v) => v.impact === "serious" || v.impact === "critical").map((v) => v.id)).toEqual([]);
  await page.screenshot({ path: "test-results/alerts-page.png", fullPage: true });

  await section.getByRole("link", { name: `Incident for ${name}` }).click();
  await expect(page).toHaveURL(/\/incidents\/[0-9a-f-]+$/);
  const alerts = page.getByRole("region", { name: /^Alerts \(\d+\)$/ });
  await expect(alerts.getByRole("row", { name: /Detect outbound connections to common miner pool ports/ })).toBeVisible();
  // Evidence was collected by policy, before anyone clicked: the timeline says who.
  const timeline = page.getByRole("table", { name: "Incident timeline, newest first" });
  await expect(timeline.getByRole("row", { name: /alert-received/ }).first()).toBeVisible();
  await expect(
    timeline
      .getByRole("row", { name: /collect-evidence/ })
      .filter({ hasText: "airlock (alert policy)" })
      .first(),
  ).toBeVisible();
  await alerts.screenshot({ path: "test-results/alerts-incident.png" });
});
