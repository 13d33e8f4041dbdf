import { expect, test } from "@playwright/test";
import { PAYMENTS, findCompromisedPod, resetSimulator, signIn } from "./support";

test.beforeAll(async ({ request }) => {
  await resetSimulator(request);
});

const DEMO_USERS = ["analyst@demo.local", "lead@demo.local", "approver@demo.local", "approver2@demo.local"];

for (const email of DEMO_USERS) {
  test(`${email} browses from the clusters to the compromised pod and its node`, async ({ page }) => {
    await signIn(page, email);
    const target = await findCompromisedPod(page.request);

    await page.goto("/clusters");
    await expect(page.getByRole("heading", { level: 1, name: "Clusters" })).toBeVisible();
    const payments = page.getByRole("row", { name: new RegExp(PAYMENTS) });
    await expect(payments.getByText("Enforced", { exact: true })).toBeVisible();
    const storefront = page.getByRole("row", { name: /storefront/ });
    await expect(storefront.getByText("Not enforced", { exact: true })).toBeVisible();

    await payments.getByRole("link", { name: "payments" }).click();
    await page.getByRole("navigation", { name: "Cluster sections" }).getByRole("link", { name: "Pods" }).click();
    await expect(page.getByRole("heading", { level: 1 })).toContainText("Pods");

    const filters = page.getByRole("search", { name: "Filter pods" });
    await filters.getByLabel("Namespace").fill("shop");
    await filters.getByLabel("Label selector").fill("app=checkout");
    await filters.getByRole("button", { name: /apply|filter/i }).click();
    await page.getByRole("link", { name: target.name, exact: true }).click();

    await expect(page.getByRole("heading", { level: 1 })).toContainText(`Pod ${target.namespace}/${target.name}`);
    await expect(page.getByRole("link", { name: /open incident/i })).toBeVisible();
    await page.getByRole("link", { name: target.node, exact: true }).first().click();

    await expect(page.getByRole("heading", { level: 1 })).toContainText(target.node);
    await expect(page.getByRole("link", { name: target.name, exact: true })).toBeVisible();
  });
}

test("the API answers 401 without a caller and 403 to a role that may not act", async ({ page, playwright }) => {
  const anonymous = await playwright.request.newContext({ baseURL: test.info().project.use.baseURL });
  const unauthenticated = await anonymous.get("/api/v1/clusters");
  expect(unauthenticated.status()).toBe(401);
  expect(await unauthenticated.json()).toMatchObject({ error: { code: 401 } });
  await anonymous.dispose();

  // Approvers sign off steps; opening incidents is an analyst's job.
  await signIn(page, "approver@demo.local");
  const target = await findCompromisedPod(page.request);
  const forbidden = await page.request.post("/api/v1/incidents", {
    data: { cluster: PAYMENTS, namespace: target.namespace, pod: target.name, title: "approver tries to open an incident" },
  });
  expect(forbidden.status()).toBe(403);
  expect(await forbidden.json()).toMatchObject({ error: { code: 403 } });
});
