import { expect, it } from "vitest";
import { contentSecurityPolicy, newNonce, staticSecurityHeaders } from "./security-headers";

it("builds a nonce policy that forbids framing, plugins and foreign scripts", () => {
  const csp = contentSecurityPolicy("abc123", { dev: false });
  expect(csp).toContain("script-src 'self' 'nonce-abc123' 'strict-dynamic'");
  expect(csp).toContain("frame-ancestors 'none'");
  expect(csp).toContain("object-src 'none'");
  expect(csp).not.toContain("unsafe-eval");
  expect(csp).not.toMatch(/script-src[^;]*unsafe-inline/);
  expect(contentSecurityPolicy("n", { dev: true })).toContain("'unsafe-eval'");
});

it("sends HSTS only when the console's public URL is https", () => {
  expect(staticSecurityHeaders("https://airlock.example")["Strict-Transport-Security"]).toMatch(/^max-age=\d{8}/);
  expect(staticSecurityHeaders("http://127.0.0.1:3000")).not.toHaveProperty("Strict-Transport-Security");
  expect(staticSecurityHeaders(undefined)).toMatchObject({ "Referrer-Policy": "same-origin", "X-Content-Type-Options": "nosniff" });
  expect(staticSecurityHeaders(undefined)["Permissions-Policy"]).toContain("camera=()");
});

it("makes a fresh nonce each time", () => {
  const a = newNonce();
  expect(a).toMatch(/^[A-Za-z0-9+/]{22}==$/);
  expect(newNonce()).not.toBe(a);
});
