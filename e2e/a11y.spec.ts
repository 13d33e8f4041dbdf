import AxeBuilder from "@axe-core/playwright";
import { expect, test, type Browser, type Page } from "@playwright/test";
import { findCompromisedPod, PAYMENTS, resetSimulator, signIn, type PodRef } from "./support";

// The console's accessibility bar: axe finds no serious or critical violation on any page, and no page
// scrolls sideways at 1280 px or 1920 px. One signed-in page (the lead is also an analyst, so it
// sees incidents, approvals and the timeline) walks every page the console has.
test.describe.configure({ mode: "serial" });

let page: Page;
let target: PodRef;
/** Content-Security-Policy violations seen on any page of the walk (checked by the last test). */
const cspViolations: string[] = [];
let incidentId: string;

const cluster = `/clusters/${encodeURIComponent(PAYMENTS)}`;

function pages(): [string, string][] {
  return [
    ["clusters", "/clusters"],
    ["cluster", cluster],
    ["nodes", `${cluster}/nodes`],
    ["node", `${cluster}/nodes/${encodeURIComponent(target.node)}`],
    ["pods", `${cluster}/pods?namespace=shop`],
    ["pod", `${cluster}/pods/${target.namespace}/${target.name}`],
    ["services", `${cluster}/services`],
    ["policies", `${cluster}/networkpolicies`],
    ["alerts", "/alerts"],
    ["incidents", "/incidents"],
    ["incident", `/incidents/${incidentId}`],
    ["approvals", "/approvals"],
    ["timeline", "/timeline"],
    ["account", "/account"],
  ];
}

async function seriousViolations(p: Page): Promise<string[]> {
  const result = await new AxeBuilder({ page: p }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]).analyze();
  return result.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id} (${v.impact}): ${v.help}\n  ${v.nodes.map((n) => n.target.join(" ")).join("\n  ")}`);
}

async function open(p: Page, url: string): Promise<void> {
  await p.goto(url);
  await expect(p.getByRole("heading", { level: 1 })).toBeVisible();
  // Client panels (pods list, timeline) fill in after the first paint.
  await p.waitForLoadState("networkidle");
}

async function sidewaysOverflow(p: Page): Promise<number> {
  return p.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
}

// axe needs a page of a context made with browser.newContext(). Every page reports what the
// Content-Security-Policy blocked: the event in the page, and the browser's console message.
async function newPage(browser: Browser): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  await context.exposeBinding("__cspViolation", ({ page: p }, text: string) => void cspViolations.push(`${p.url()}: ${text}`));
  await context.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (e) => {
      (window as unknown as { __cspViolation: (t: string) => void }).__cspViolation(`${e.violatedDirective} blocked ${e.blockedURI || "inline"}`);
    });
  });
  const p = await context.newPage();
  p.on("console", (m) => {
    if (/Content.Security.Policy/i.test(m.text())) cspViolations.push(`${p.url()}: ${m.text()}`);
  });
  return p;
}

test.beforeAll(async ({ browser }) => {
  page = await newPage(browser);
  await resetSimulator(page.request);
  await signIn(page, "lead@demo.local");
  target = await findCompromisedPod(page.request);
  const opened = await page.request.post("/api/v1/incidents", {
    data: { cluster: PAYMENTS, namespace: target.namespace, pod: target.name, title: `Accessibility check on ${target.name}` },
  });
  expect(opened.status()).toBe(201);
  incidentId = ((await opened.json()) as { id: string }).id;
  // Runs put intents, results, step ids and long details in the timeline panel, the widest rows it shows.
  for (const stepId of ["collect-evidence", "cordon-node"]) {
    const base = `/api/v1/incidents/${incidentId}/steps/${stepId}`;
    const plan = await page.request.post(`${base}/plan`, { data: {} });
    expect(plan.status()).toBe(200);
    const { planHash } = (await plan.json()) as { planHash: string };
    expect((await page.request.post(`${base}/execute`, { data: { planHash } })).status()).toBe(200);
  }
});

test("the sign-in page has no serious or critical axe violation", async ({ browser }) => {
  const anonymous = await newPage(browser);
  await anonymous.goto("/");
  await expect(anonymous.getByRole("heading", { level: 1, name: "Sign in to Airlock" })).toBeVisible();
  expect(await seriousViolations(anonymous)).toEqual([]);
  for (const width of [1280, 1920]) {
    await anonymous.setViewportSize({ width, height: 900 });
    expect(await sidewaysOverflow(anonymous), `sign-in at ${width} px`).toBeLessThanOrEqual(0);
  }
  await anonymous.context().close();
});

test("every signed-in page has no serious or critical axe violation at 1440 px", async () => {
  const found: Record<string, string[]> = {};
  for (const [name, url] of pages()) {
    await open(page, url);
    const v = await seriousViolations(page);
    if (v.length) found[name] = v;
  }
  expect(found).toEqual({});
});

test("no page scrolls sideways at 1280 px or 1920 px", async () => {
  const overflowing: string[] = [];
  for (const width of [1280, 1920]) {
    await page.setViewportSize({ width, height: 900 });
    for (const [name, url] of pages()) {
      await open(page, url);
      const by = await sidewaysOverflow(page);
      if (by > 0) overflowing.push(`${name} at ${width} px: ${by} px too wide`);
    }
  }
  await page.setViewportSize({ width: 1440, height: 900 });
  expect(overflowing).toEqual([]);
});

test("the incident page's timeline panel shows Step, Outcome and Detail whole at 1440 px", async () => {
  await page.setViewportSize({ width: 1440, height: 900 });
  await open(page, `/incidents/${incidentId}`);
  const panel = page.getByRole("region", { name: "Timeline" });
  const table = panel.getByRole("table", { name: "Incident timeline, newest first" });
  await expect(table.getByRole("cell", { name: "incident-opened", exact: true })).toBeVisible();
  await expect(table.getByRole("cell", { name: "collect-evidence", exact: true }).first()).toBeVisible();
  const box = await panel.boundingBox();
  for (const header of ["Time", "Actor", "Step", "Outcome", "Detail"]) {
    const h = await table.getByRole("columnheader", { name: header, exact: true }).boundingBox();
    expect(h, header).not.toBeNull();
    expect(h!.x + h!.width, `${header} ends inside the panel`).toBeLessThanOrEqual(box!.x + box!.width + 1);
  }
  const clipped = await table.evaluate((t) => {
    for (let el: HTMLElement | null = t.parentElement; el; el = el.parentElement) if (el.scrollWidth > el.clientWidth + 1) return true;
    return false;
  });
  expect(clipped).toBe(false);
  await page.screenshot({ path: test.info().outputPath("incident-1440.png"), fullPage: true });
});

test("no page of the walk (sign-in included) broke its Content-Security-Policy", async () => {
  expect(cspViolations).toEqual([]);
});
