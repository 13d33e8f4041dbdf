import { expect, test } from "@playwright/test";
import { CALLBACK_CORPUS } from "../lib/auth/callback-corpus";
import { signIn } from "./support";

// What the browser is told about the console (security headers), where it may be sent after
// sign-in (callbackUrl), and how repeated wrong passwords are answered.

test("pages carry a fresh nonce Content-Security-Policy and the other security headers, and Next's scripts carry the nonce", async ({ page }) => {
  const first = await page.goto("/signin");
  const second = await page.request.get("/signin");
  const csp = first!.headers()["content-security-policy"];
  const nonce = /'nonce-([^']+)'/.exec(csp)?.[1];
  expect(nonce).toBeTruthy();
  expect(second.headers()["content-security-policy"]).not.toContain(nonce);
  expect(csp).toContain("frame-ancestors 'none'");
  expect(csp).toMatch(/script-src 'self' 'nonce-[^']+' 'strict-dynamic'(;|$)/);
  const h = first!.headers();
  expect(h["referrer-policy"]).toBe("same-origin");
  expect(h["permissions-policy"]).toContain("camera=()");
  expect(h["x-content-type-options"]).toBe("nosniff");
  // The e2e console is served over plain http: no HSTS there (it is sent when NEXTAUTH_URL is https).
  expect(h["strict-transport-security"]).toBeUndefined();
  const scripts = await page.locator("script").evaluateAll((els) => els.map((s) => (s as HTMLScriptElement).nonce));
  expect(scripts.length).toBeGreaterThan(0);
  expect(scripts.every((n) => n === nonce)).toBe(true);
  // The API gets the headers too, and is never redirected to the sign-in page.
  const api = await page.request.get("/api/v1/incidents", { maxRedirects: 0 });
  expect(api.status()).toBe(401);
  expect(api.headers()["x-content-type-options"]).toBe("nosniff");
});

test("the console refuses to be framed", async ({ page }) => {
  await page.goto("/signin");
  const blocked = page.waitForEvent("console", (m) => /frame-ancestors/.test(m.text()));
  await page.setContent(`<iframe src="${new URL("/signin", page.url()).href}" title="framed"></iframe>`);
  await blocked;
  expect(await page.frameLocator("iframe").getByRole("heading", { name: "Sign in to Airlock" }).count()).toBe(0);
});

test("every callbackUrl in the corpus, each one a way out to another origin for a browser, lands on the console's home page", async ({ page, baseURL }) => {
  const origin = new URL(baseURL!).origin;
  await page.goto("/signin");
  // First, the browser's own URL parsing confirms each value is dangerous: as given, or once or twice decoded.
  const dangerous = await page.evaluate((values) => {
    const out: string[] = [];
    for (const v of values) {
      const forms = [v];
      for (let i = 0; i < 2; i++) {
        try {
          forms.push(decodeURIComponent(forms[forms.length - 1]));
        } catch {
          break;
        }
      }
      if (
        forms.some((f) => {
          try {
            const u = new URL(f, location.origin);
            return u.origin !== location.origin;
          } catch {
            return false;
          }
        })
      )
        out.push(v);
    }
    return out;
  }, CALLBACK_CORPUS as string[]);
  expect(CALLBACK_CORPUS.filter((v) => !dangerous.includes(v))).toEqual([]);

  // Then a signed-in visit to the sign-in page with each one is sent to "/" on this origin.
  await signIn(page, "analyst@demo.local");
  const escaped: string[] = [];
  for (const v of CALLBACK_CORPUS) {
    await page.goto(`/signin?callbackUrl=${encodeURIComponent(v)}`);
    const at = new URL(page.url());
    if (at.origin !== origin || at.pathname !== "/") escaped.push(`${JSON.stringify(v)} → ${page.url()}`);
  }
  expect(escaped).toEqual([]);
  // A same-origin deep link still works.
  await page.goto(`/signin?callbackUrl=${encodeURIComponent("/timeline?x=1")}`);
  await expect(page).toHaveURL(`${origin}/timeline?x=1`);
});

test("after five wrong passwords for one account, the sign-in form refuses further tries with a clear message", async ({ page }) => {
  // An account that does not exist is throttled alike (nothing tells a guesser which accounts exist).
  const email = `nobody-${Date.now()}@demo.local`;
  await page.goto("/signin");
  const attempt = async (password: string) => {
    await page.getByLabel("Email").fill(email);
    await page.getByLabel("Password").fill(password);
    await Promise.all([
      page.waitForResponse((r) => r.url().includes("/api/auth/callback/credentials")),
      page.getByRole("button", { name: "Sign in", exact: true }).click(),
    ]);
  };
  for (let i = 1; i <= 5; i++) {
    await attempt(`wrong-password-${i}`);
    await expect(page.getByRole("alert").filter({ hasText: "Email or password is wrong." })).toBeVisible();
  }
  await attempt("wrong-password-6");
  await expect(
    page.getByRole("alert").filter({ hasText: "Too many failed sign-ins for this account or from this address. Wait 15 minutes, then try again." }),
  ).toBeVisible();
  // Other accounts from the same address are not locked out by it.
  await signIn(page, "approver@demo.local");
});
