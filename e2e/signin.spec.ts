import { expect, test } from "@playwright/test";
import { signIn } from "./support";

// Sign-in starts where a person starts. From the root URL, a correct password once led to a blank page reloading
// itself, for every role, by click or by Enter, on localhost or 127.0.0.1.
const ACCOUNTS = ["analyst@demo.local", "lead@demo.local", "approver@demo.local", "approver2@demo.local", "admin@demo.local"];

for (const email of ACCOUNTS) {
  for (const submit of ["click", "enter"] as const) {
    test(`${email} signs in from the root URL by ${submit} and stays on the home page`, async ({ page }) => {
      let navigations = 0;
      page.on("framenavigated", (frame) => {
        if (frame === page.mainFrame()) navigations++;
      });
      await signIn(page, email, { submit });
      const settled = navigations;
      // The loop navigated hundreds of times a second. A settled page may still record the
      // router's own same-document URL update after hydration, but nothing more.
      await page.waitForTimeout(2_000);
      expect(navigations - settled).toBeLessThanOrEqual(1);
      await expect(page).toHaveURL(/:\/\/[^/]+\/$/);
      await expect(page.getByRole("link", { name: "Browse clusters" })).toBeVisible();
      await expect(page.getByRole("button", { name: "Sign out" })).toBeVisible();
    });
  }
}

test("sign-in from the root URL works on localhost as well as 127.0.0.1, and sign-out stays on that host", async ({ page, baseURL }) => {
  const origin = baseURL!.replace("127.0.0.1", "localhost");
  await signIn(page, "analyst@demo.local", { origin });
  expect(new URL(page.url()).host).toBe(new URL(origin).host);
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Sign in to Airlock" })).toBeVisible();
  expect(new URL(page.url()).host).toBe(new URL(origin).host);
  await page.goto(`${origin}/clusters`);
  await expect(page).toHaveURL(/\/signin\?callbackUrl=%2Fclusters$/);
});

test("a deep link still returns to where it pointed after sign-in", async ({ page }) => {
  await page.goto("/timeline");
  await expect(page).toHaveURL(/\/signin\?callbackUrl=%2Ftimeline$/);
  await page.getByLabel("Email").fill("lead@demo.local");
  await page.getByLabel("Password").fill(process.env.DEMO_PASSWORD ?? "airlock-demo");
  await page.getByLabel("Password").press("Enter");
  await expect(page).toHaveURL(/\/timeline$/);
  await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
});
