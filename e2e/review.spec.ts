import fs from "node:fs";
import { expect, test, type Browser, type BrowserContext, type Page } from "@playwright/test";
import { findCompromisedPod, PAYMENTS, resetSimulator, signIn, type PodRef } from "./support";

// The lead's review: an analyst contains a little (evidence, cordon) through the API
// with their session; the lead reads the incident's timeline across incidents and on the
// incident page, comments on an entry, marks the incident reviewed and downloads the report.
// Found by role and label; waits are on states.

type Entry = { id: number; kind: string; stepId: string | null };

test.describe("lead review: timeline, comment, reviewed, report", () => {
  test.describe.configure({ mode: "serial" });

  let analystContext: BrowserContext;
  let leadContext: BrowserContext;
  let analyst: Page;
  let lead: Page;
  let target: PodRef;
  let incidentId: string;
  let title: string;

  async function userPage(browser: Browser, email: string): Promise<{ context: BrowserContext; page: Page }> {
    const context = await browser.newContext({ acceptDownloads: true });
    const page = await context.newPage();
    await signIn(page, email);
    return { context, page };
  }

  async function runStep(stepId: string) {
    const base = `/api/v1/incidents/${incidentId}/steps/${stepId}`;
    const plan = await analyst.request.post(`${base}/plan`, { data: {} });
    expect(plan.status()).toBe(200);
    const { planHash } = (await plan.json()) as { planHash: string };
    const done = await analyst.request.post(`${base}/execute`, { data: { planHash } });
    expect(done.status()).toBe(200);
  }

  test.beforeAll(async ({ browser }) => {
    ({ context: analystContext, page: analyst } = await userPage(browser, "analyst@demo.local"));
    await resetSimulator(analyst.request);
    ({ context: leadContext, page: lead } = await userPage(browser, "lead@demo.local"));
    target = await findCompromisedPod(analyst.request);
  });

  test.afterAll(async () => {
    await analystContext?.close();
    await leadContext?.close();
  });

  test("the analyst opens an incident and runs collect-evidence and cordon-node through the API", async () => {
    title = `Review drill on ${target.name}`;
    const opened = await analyst.request.post("/api/v1/incidents", { data: { cluster: PAYMENTS, namespace: target.namespace, pod: target.name, title } });
    expect(opened.status()).toBe(201);
    incidentId = ((await opened.json()) as { id: string }).id;
    await runStep("collect-evidence");
    await runStep("cordon-node");

    // The analyst sees the review panel but may not mark the incident reviewed, in the page or the API.
    await analyst.goto(`/incidents/${incidentId}`);
    const review = analyst.getByRole("region", { name: "Review", exact: true });
    await expect(review.getByRole("link", { name: "Download report" })).toBeVisible();
    await expect(review.getByRole("button", { name: "Mark reviewed" })).toHaveCount(0);
    expect((await analyst.request.post(`/api/v1/incidents/${incidentId}/review`, { data: {} })).status()).toBe(403);
  });

  test("the lead reads the incident's timeline across incidents, filtered by incident and step", async () => {
    await lead.goto("/timeline");
    await expect(lead.getByRole("heading", { level: 1, name: "Timeline" })).toBeVisible();
    const filters = lead.getByRole("form", { name: "Timeline filters" });
    await filters.getByLabel("Incident").selectOption(incidentId);
    await filters.getByLabel("Step").selectOption("cordon-node");
    await filters.getByRole("button", { name: "Apply filters" }).click();
    await expect(lead).toHaveURL(/stepId=cordon-node/);

    const table = lead.getByRole("table", { name: "Timeline entries, newest first" });
    const rows = table.getByRole("row").filter({ has: lead.getByRole("cell", { name: "cordon-node", exact: true }) });
    await expect(rows.filter({ hasText: "intent" })).toHaveCount(1);
    await expect(rows.filter({ hasText: "success" })).toHaveCount(1);
    await expect(table.getByRole("cell", { name: "collect-evidence", exact: true })).toHaveCount(0);
    await expect(table.getByRole("link", { name: title }).first()).toBeVisible();
  });

  test("the lead comments on the cordon result, marks the incident reviewed and downloads the report", async () => {
    const timeline = await lead.request.get(`/api/v1/incidents/${incidentId}/timeline`);
    const { items } = (await timeline.json()) as { items: Entry[] };
    const result = items.find((e) => e.kind === "result" && e.stepId === "cordon-node")!;

    await lead.goto(`/incidents/${incidentId}`);
    await expect(lead.getByRole("heading", { level: 1, name: title })).toBeVisible();
    await expect(
      lead.getByRole("table", { name: "Incident timeline, newest first" }).getByRole("cell", { name: "cordon-node", exact: true }).first(),
    ).toBeVisible();

    const review = lead.getByRole("region", { name: "Review", exact: true });
    const artifacts = review.getByRole("table", { name: "Evidence artifacts" });
    await expect(artifacts.getByRole("link", { name: `Download pod-${target.name}.json` })).toBeVisible();

    const comment = review.getByRole("form", { name: "Comment on an entry" });
    await comment.getByLabel("Entry").selectOption(String(result.id));
    const text = "Cordon confirmed; node drained of new work.";
    await comment.getByLabel("Comment").fill(text);
    await comment.getByRole("button", { name: "Add comment" }).click();
    await expect(comment.getByText(/Comment added as entry #\d+/)).toBeVisible();
    await expect(review.getByRole("list", { name: "Comments" }).getByRole("listitem").filter({ hasText: text })).toContainText(`on entry #${result.id}`);

    const mark = review.getByRole("form", { name: "Mark the incident reviewed" });
    await mark.getByLabel("Review note (optional)").fill("Contained; evidence complete.");
    await mark.getByRole("button", { name: "Mark reviewed" }).click();
    await expect(review.getByRole("status", { name: "Review status" })).toContainText("Reviewed by lead@demo.local");
    await expect(review.getByRole("button", { name: "Mark reviewed" })).toHaveCount(0);

    const [download] = await Promise.all([lead.waitForEvent("download"), review.getByRole("link", { name: "Download report" }).click()]);
    expect(download.suggestedFilename()).toBe(`incident-${incidentId}-report.md`);
    const report = fs.readFileSync((await download.path())!, "utf8");
    expect(report).toContain(`# Incident report: ${title}`);
    expect(report).toContain("**Audit chain: intact**");
    expect(report).toContain(text);
    expect(report).toMatch(/Reviewed: yes, by lead@demo\.local/);
    expect(report).toMatch(/\| Cordon the node \(cordon-node\) \|.*\| yes \|/);
  });
});
