import { expect, test, type Browser, type BrowserContext, type Locator, type Page } from "@playwright/test";
import { findCompromisedPod, PAYMENTS, resetSimulator, signIn, type PodRef } from "./support";

// Approvals in two browsers: the analyst asks for sign-off on delete-pod after collecting
// evidence, an approver approves it from the inbox in a second browser context, and the analyst
// executes exactly the plan that was approved. Found by role and label; waits are on states.
//
// Only approvals here: the lead's review (timeline, comment, reviewed, report download) is
// review.spec.ts, so a failure in one names the part that broke.

test.describe("release approval: undoing a network isolation needs another person's sign-off of the undo plan", () => {
  test.describe.configure({ mode: "serial" });

  let analystContext: BrowserContext;
  let approverContext: BrowserContext;
  let analyst: Page;
  let approver: Page;
  let title: string;
  const DENY_ALL = "Apply the deny-all NetworkPolicy";

  const item = (): Locator => analyst.getByRole("region", { name: "Release from quarantine" }).getByRole("region", { name: `Undo: ${DENY_ALL}` });
  const slot = (): Locator => item().getByRole("region", { name: "Approval for this release" });

  test.beforeAll(async ({ browser }) => {
    analystContext = await browser.newContext();
    analyst = await analystContext.newPage();
    await signIn(analyst, "analyst@demo.local");
    await resetSimulator(analyst.request);
    approverContext = await browser.newContext();
    approver = await approverContext.newPage();
    await signIn(approver, "approver@demo.local");
  });

  test.afterAll(async () => {
    await analystContext?.close();
    await approverContext?.close();
  });

  test("the analyst applies the deny-all, plans its release and asks for sign-off", async () => {
    const target = await findCompromisedPod(analyst.request);
    title = `Release drill on ${target.name}`;
    const opened = await analyst.request.post("/api/v1/incidents", { data: { cluster: PAYMENTS, namespace: target.namespace, pod: target.name, title } });
    expect(opened.status()).toBe(201);
    await analyst.goto(`/incidents/${((await opened.json()) as { id: string }).id}`);
    const card = analyst.getByRole("region", { name: DENY_ALL, exact: true });
    await card.getByRole("button", { name: /^Plan/ }).click();
    await expect(card.getByRole("group", { name: "Plan" })).toBeVisible();
    await card.getByRole("button", { name: "Execute" }).click();
    await expect(card.getByRole("status", { name: /^Status:/ })).toHaveAccessibleName("Status: succeeded", { timeout: 60_000 });

    await expect(item().getByText(/releasing it needs an approver's sign-off/)).toBeVisible();
    await item().getByRole("button", { name: "Plan" }).click();
    await expect(item().getByText(/^Undo plan hash [0-9a-f]{64}/)).toBeVisible();
    await expect(slot().getByText("No approval requested for this plan yet.")).toBeVisible();
    const undo = item().getByRole("button", { name: "Undo", exact: true });
    await expect(undo).toBeDisabled();
    await slot().getByLabel("Reason for approval").fill("Forensics done, the workload is rebuilt: lift the deny-all");
    await slot().getByRole("button", { name: "Request approval" }).click();
    await expect(slot().getByText("Approval requested (one approver needed).")).toBeVisible();
    await expect(undo).toBeDisabled();
  });

  test("an approver approves the release from the inbox, and the analyst undoes exactly that plan", async () => {
    await approver.goto("/");
    await approver.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Approvals" }).click();
    const request = approver.getByRole("article", { name: `Undo: ${DENY_ALL} on ${title}` });
    await expect(request.getByRole("group", { name: "Plan" })).toBeVisible();
    await request.getByLabel("Comment").fill("Release it");
    await request.getByRole("button", { name: "Approve" }).click();
    await expect(request.getByText("Request approved.")).toBeVisible();

    // The approver reads the same undo plan on the incident page, and is never offered the Undo its role is refused.
    await approver.goto(analyst.url());
    const approverItem = approver.getByRole("region", { name: "Release from quarantine" }).getByRole("region", { name: `Undo: ${DENY_ALL}` });
    await approverItem.getByRole("button", { name: "Plan" }).click();
    await expect(approverItem.getByText(/^Undo plan hash [0-9a-f]{64}/)).toBeVisible();
    await expect(approverItem.getByText(/running or undoing a step needs the analyst role/)).toBeVisible();
    await expect(approverItem.getByRole("button", { name: "Undo", exact: true })).toHaveCount(0);
    await approverItem.screenshot({ path: "test-results/step-truth/release-approver-reads.png" });

    await expect(slot().getByText("Approved by approver@demo.local: Undo is enabled.")).toBeVisible({ timeout: 30_000 });
    const undo = item().getByRole("button", { name: "Undo", exact: true });
    await expect(undo).toBeEnabled();
    await item().screenshot({ path: "test-results/step-truth/release-approval.png" });
    await undo.click();
    await expect(item()).toHaveCount(0);
    const card = analyst.getByRole("region", { name: DENY_ALL, exact: true });
    await expect(card.getByRole("status", { name: /^Status:/ })).toHaveAccessibleName("Status: undone");
  });
});

test.describe("approvals: the analyst requests, an approver approves in another browser, the analyst executes", () => {
  test.describe.configure({ mode: "serial" });

  let analystContext: BrowserContext;
  let approverContext: BrowserContext;
  let analyst: Page;
  let approver: Page;
  let target: PodRef;
  let title: string;

  const deleteCard = (): Locator => analyst.getByRole("region", { name: "Delete the pod", exact: true });
  const slot = (): Locator => deleteCard().getByRole("region", { name: "Approval for this plan" });

  async function userPage(browser: Browser, email: string): Promise<{ context: BrowserContext; page: Page }> {
    const context = await browser.newContext();
    const page = await context.newPage();
    await signIn(page, email);
    return { context, page };
  }

  test.beforeAll(async ({ browser }) => {
    ({ context: analystContext, page: analyst } = await userPage(browser, "analyst@demo.local"));
    await resetSimulator(analyst.request);
    ({ context: approverContext, page: approver } = await userPage(browser, "approver@demo.local"));
    target = await findCompromisedPod(analyst.request);
  });

  test.afterAll(async () => {
    await analystContext?.close();
    await approverContext?.close();
  });

  test("the analyst collects evidence, plans delete-pod and requests approval with a reason", async () => {
    title = `Approval drill on ${target.name}`;
    const opened = await analyst.request.post("/api/v1/incidents", { data: { cluster: PAYMENTS, namespace: target.namespace, pod: target.name, title } });
    expect(opened.status()).toBe(201);
    const { id } = (await opened.json()) as { id: string };
    await analyst.goto(`/incidents/${id}`);
    await expect(analyst.getByRole("heading", { level: 1, name: title })).toBeVisible();

    const evidence = analyst.getByRole("region", { name: "Collect evidence", exact: true });
    await evidence.getByRole("button", { name: /^Plan/ }).click();
    await expect(evidence.getByRole("group", { name: "Plan" })).toBeVisible();
    await evidence.getByRole("button", { name: "Execute" }).click();
    await expect(evidence.getByRole("status", { name: /^Status:/ })).toHaveAccessibleName(/Status: (succeeded|no-op)/, { timeout: 60_000 });

    const card = deleteCard();
    await expect(card.getByText(/Locked: eradicate steps stay locked/)).toHaveCount(0);
    await card.getByRole("button", { name: /^Plan/ }).click();
    await expect(card.getByRole("group", { name: "Plan" })).toBeVisible();
    await expect(slot().getByText("No approval requested for this plan yet.")).toBeVisible();

    // Without an approval Execute stays disabled and says what it waits for, even with the name typed
    // (the engine refuses it too: approval-required in lib/containment/executor.test.ts).
    await card.getByLabel("Type the pod name to confirm").fill(target.name);
    const execute = card.getByRole("button", { name: "Execute" });
    await expect(execute).toBeDisabled();
    await expect(execute).toHaveAccessibleDescription("Execute is enabled once an approver signs off this plan.");
    await card.screenshot({ path: "test-results/step-truth/approval-needed.png" });

    const request = slot().getByRole("button", { name: "Request approval" });
    await expect(request).toBeDisabled();
    await slot().getByLabel("Reason for approval").fill("Miner still running after network isolation; evidence is stored");
    await request.click();
    await expect(slot().getByText("Approval requested (one approver needed).")).toBeVisible();
    await expect(slot().getByText(/0 of 1 approvals; the request lapses at/)).toBeVisible();
    await expect(slot().getByText(/Requested by analyst@demo\.local at/)).toBeVisible();
    await expect(execute).toBeDisabled();
    await card.screenshot({ path: "test-results/step-truth/approval-requested.png" });
  });

  test("an approver reviews the stored plan in the inbox and approves it", async () => {
    await approver.goto("/");
    await approver.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Approvals" }).click();
    await expect(approver.getByRole("heading", { level: 1, name: "Approvals" })).toBeVisible();

    const request = approver.getByRole("article", { name: `Delete the pod on ${title}` });
    await expect(request.getByRole("group", { name: "Plan" })).toBeVisible();
    await expect(request.getByText(`kubectl`, { exact: false }).first()).toBeVisible();
    await expect(request.getByRole("list", { name: "Plan warnings" })).toBeVisible();
    await expect(request.getByText(/collect-evidence succeeded/)).toBeVisible();
    await expect(request.getByText(/Miner still running after network isolation/)).toBeVisible();
    await expect(request.getByText("analyst@demo.local").first()).toBeVisible();

    await request.getByLabel("Comment").fill("Evidence is in; delete it");
    await request.getByRole("button", { name: "Approve" }).click();
    await expect(request.getByText("Request approved.")).toBeVisible();
    await expect(request.getByRole("button", { name: "Approve" })).toHaveCount(0);
  });

  test("the analyst sees the approval and executes the approved plan", async () => {
    await expect(slot().getByText(/Approved for this plan until/)).toBeVisible({ timeout: 30_000 });
    await expect(slot().getByText("approver@demo.local").first()).toBeVisible();
    const card = deleteCard();
    // One current state: approved by whom, and nothing left over from the request or a refusal.
    await expect(slot().getByText("Approved by approver@demo.local: Execute is enabled.")).toBeVisible();
    await expect(card.getByText(/Approval requested/)).toHaveCount(0);
    await expect(card.getByRole("alert")).toHaveCount(0);
    const execute = card.getByRole("button", { name: "Execute" });
    await expect(execute).toBeEnabled();
    await card.screenshot({ path: "test-results/step-truth/approval-approved.png" });
    await execute.click();
    await expect(card.getByRole("status", { name: /^Status:/ })).toHaveAccessibleName("Status: succeeded", { timeout: 60_000 });
    await expect(card.getByText(new RegExp(`^Succeeded: Pod ${target.name} deleted\\.`))).toBeVisible();

    // Once the pod has terminated, preflight says so in words and names the step that deleted it.
    const preflight = analyst.getByRole("region", { name: "Preflight" });
    await expect(async () => {
      await analyst.reload();
      await expect(preflight.getByText(new RegExp(`Pod ${target.namespace}/${target.name} no longer exists \\(deleted at .* by step delete-pod`))).toBeVisible({
        timeout: 2_000,
      });
    }).toPass({ timeout: 90_000 });
    await expect(preflight.getByText(/not found/)).toHaveCount(0);
    await preflight.screenshot({ path: "test-results/step-truth/preflight-pod-gone.png" });

    // The incident's timeline holds both approval events with their actors.
    const timeline = analyst.getByRole("region", { name: "Timeline" });
    for (const [kind, actor] of [
      ["approval-requested", "analyst@demo.local"],
      ["approval-approved", "approver@demo.local"],
    ]) {
      const row = timeline.getByRole("row").filter({ has: analyst.getByRole("cell", { name: kind, exact: true }) });
      await expect(row.filter({ has: analyst.getByRole("cell", { name: actor, exact: true }) })).toHaveCount(1);
    }
  });
});
