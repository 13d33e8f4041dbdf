import { expect, it } from "vitest";
import { mergeOidcClaims, oidcClaimsProblem } from "./oidc-claims";

it("takes the scope claims from UserInfo when the ID token carries only the subject", () => {
  const merged = mergeOidcClaims(
    { sub: "abc", iss: "https://idp.example" },
    { sub: "abc", email: "a@x.com", email_verified: true, name: "A", iss: "https://evil.example" },
  );
  expect(merged).toEqual({ sub: "abc", iss: "https://idp.example", email: "a@x.com", email_verified: true, name: "A" });
});

it("keeps the ID token's value where both carry a claim", () => {
  expect(mergeOidcClaims({ sub: "abc", email: "id@x.com" }, { sub: "abc", email: "ui@x.com" }).email).toBe("id@x.com");
});

it("refuses UserInfo about another subject, or about none", () => {
  expect(() => mergeOidcClaims({ sub: "abc" }, { sub: "xyz", email: "a@x.com" })).toThrow(/sub does not match/);
  expect(() => mergeOidcClaims({ sub: "abc" }, { email: "a@x.com" })).toThrow(/sub does not match/);
});

it("requires an email the provider has verified", () => {
  expect(oidcClaimsProblem({ sub: "a", email: "a@x.com", email_verified: true })).toBeNull();
  expect(oidcClaimsProblem({ sub: "a", email: "a@x.com", email_verified: "true" })).toBeNull();
  expect(oidcClaimsProblem({ sub: "a", email: "a@x.com", email_verified: false })).toBe("OidcEmailUnverified");
  expect(oidcClaimsProblem({ sub: "a", email: "a@x.com" })).toBe("OidcEmailUnverified");
  expect(oidcClaimsProblem({ sub: "a", email_verified: true })).toBe("OidcNoEmail");
});
