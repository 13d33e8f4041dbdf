import { expect, test, type Page } from "@playwright/test";
import { DEMO_PASSWORD, signIn } from "./support";

// Single sign-on through a real OpenID provider (oidc-provider with its defaults, started by
// `npm run demo -- --oidc`): its own login and consent pages, the authorization-code flow, and
// scope claims (email, email_verified, name) that only its UserInfo endpoint gives.

/** From the console's sign-in page through the provider's login and consent pages; returns the provider's origin. */
async function signInThroughProvider(page: Page, login: string): Promise<string> {
  await page.goto("/");
  await expect(page).toHaveURL(/\/signin\?callbackUrl=%2F$/);
  await page.getByRole("button", { name: "Continue with single sign-on" }).click();
  await expect(page.getByRole("heading", { name: "Sign-in" })).toBeVisible();
  const idpOrigin = new URL(page.url()).origin;
  expect(idpOrigin).not.toBe(new URL(test.info().project.use.baseURL!).origin);
  await page.getByPlaceholder("Enter any login").fill(login);
  await page.getByPlaceholder("and password").fill("any password");
  await page.getByRole("button", { name: "Sign-in" }).click();
  await expect(page.getByRole("heading", { name: "Authorize" })).toBeVisible();
  await page.getByRole("button", { name: "Continue" }).click();
  return idpOrigin;
}

test("a person signs in through the provider's login and consent pages and gets the roles OIDC_ROLE_MAP gives", async ({ page }) => {
  await signInThroughProvider(page, "alice");
  await expect(page.getByRole("heading", { level: 1, name: "Incident response" })).toBeVisible();
  await expect(page.getByText("alice@sso.demo.local")).toBeVisible();
  await expect(page.getByText("lead, analyst", { exact: true })).toBeVisible();
  await expect(page.getByRole("link", { name: "Incidents" })).toBeVisible();

  // A fresh single sign-on may create an API token without a password; it expires and is shown so.
  await page.getByRole("link", { name: "Account" }).click();
  await expect(page.getByText("Creating one needs a sign-in from the last 10 minutes")).toBeVisible();
  await expect(page.getByLabel("Your password")).toHaveCount(0);
  await page.getByLabel("Token name").fill("sso-pipeline");
  await page.getByLabel("Read-only").check();
  await page.getByRole("button", { name: "Create token" }).click();
  await expect(page.getByText(/Token sso-pipeline created \(read-only\), expires \d{4}-\d\d-\d\d/)).toBeVisible();
  const token = await page.getByLabel("New token").inputValue();
  const table = page.getByRole("table", { name: "Your API tokens" });
  await expect(table.getByRole("row", { name: /sso-pipeline .* read-only active/ })).toBeVisible();

  // Read-only means read-only: it lists incidents and may not open one.
  const read = await page.request.get("/api/v1/incidents", { headers: { authorization: `Bearer ${token}` } });
  expect(read.status()).toBe(200);
  const write = await page.request.post("/api/v1/incidents", { headers: { authorization: `Bearer ${token}` }, data: { title: "x" } });
  expect(write.status()).toBe(403);
  expect((await write.json()).error.message).toBe("This API token is read-only");

  // Signing in again lands on the same account (issuer + subject), not a new one.
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Sign in to Airlock" })).toBeVisible();
  await page.getByRole("button", { name: "Continue with single sign-on" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Incident response" })).toBeVisible();
  await page.goto("/account");
  await expect(page.getByRole("table", { name: "Your API tokens" }).getByRole("row", { name: /sso-pipeline/ })).toBeVisible();
});

test("an identity whose email the provider has not verified is refused, saying why", async ({ page }) => {
  await signInThroughProvider(page, "unverified-bob");
  await expect(page.getByRole("heading", { level: 1, name: "Sign in to Airlock" })).toBeVisible();
  await expect(
    page.getByRole("alert").filter({ hasText: "Your single sign-on provider has not verified your email address. Verify it there, then sign in again." }),
  ).toBeVisible();
  await page.goto("/clusters");
  await expect(page).toHaveURL(/\/signin\?callbackUrl=%2Fclusters$/);
});

test("an identity with a local account's email does not take that account over", async ({ page, browser }) => {
  await signInThroughProvider(page, "lead@demo.local");
  await expect(page.getByRole("heading", { level: 1, name: "Sign in to Airlock" })).toBeVisible();
  await expect(page.getByRole("alert").filter({ hasText: "An Airlock account with your email already exists and signs in another way" })).toBeVisible();
  await page.goto("/clusters");
  await expect(page).toHaveURL(/\/signin\?callbackUrl=%2Fclusters$/);

  // The local account is untouched: its password still works and its roles are its own.
  const other = await browser.newPage();
  await signIn(other, "lead@demo.local");
  await expect(other.getByText("lead, analyst", { exact: true })).toBeVisible();
  await other.goto("/account");
  await expect(other.getByLabel("Your password")).toBeVisible();
  await other.close();
});

test("a page on another origin of the same site cannot make a signed-in browser change anything", async ({ page }) => {
  const idpOrigin = await signInThroughProvider(page, "carol");
  await expect(page.getByRole("heading", { level: 1, name: "Incident response" })).toBeVisible();
  const consoleOrigin = new URL(page.url()).origin;
  const title = `forged ${Date.now()}`;
  // The provider runs on the console's host with another port: same site, so the browser sends
  // the console's SameSite=Lax session cookie along with this form-like cross-origin POST.
  await page.goto(`${idpOrigin}/.well-known/openid-configuration`);
  await page.evaluate(
    async ([url, body]) => {
      await fetch(url, { method: "POST", mode: "no-cors", credentials: "include", headers: { "content-type": "text/plain" }, body });
    },
    [`${consoleOrigin}/api/v1/incidents`, JSON.stringify({ title, cluster: "x", namespace: "y", pod: "z" })] as const,
  );
  const list = await page.request.get(`${consoleOrigin}/api/v1/incidents`);
  expect(list.status()).toBe(200);
  expect(JSON.stringify(await list.json())).not.toContain(title);

  // The same request made with the browser's cookie: refused, and the answer says why.
  const forged = await page.request.post(`${consoleOrigin}/api/v1/incidents`, {
    headers: { origin: idpOrigin, "sec-fetch-site": "same-site", "content-type": "text/plain" },
    data: JSON.stringify({ title, cluster: "x", namespace: "y", pod: "z" }),
  });
  expect(forged.status()).toBe(403);
  expect((await forged.json()).error).toMatchObject({ reason: "cross-site", message: expect.stringMatching(/Cross-site request refused/) });
  expect(DEMO_PASSWORD.length).toBeGreaterThanOrEqual(12);
});
