/** The claims Airlock reads from an OpenID provider, after the ID token and UserInfo are merged. */
export type OidcClaims = { sub: string; iss?: string; email?: string; email_verified?: boolean | string; name?: string; [claim: string]: unknown };

/**
 * With the authorization-code flow a provider may release the scope claims (email, name) only from
 * UserInfo, so Airlock reads both. UserInfo must speak of the same subject as the ID token
 * (OpenID Connect Core 5.3.2); the validated ID token wins where both carry a claim.
 */
export function mergeOidcClaims(idToken: OidcClaims, userinfo: Record<string, unknown>): OidcClaims {
  if (userinfo.sub !== idToken.sub) throw new Error("UserInfo sub does not match the ID token's sub");
  return { ...userinfo, ...Object.fromEntries(Object.entries(idToken).filter(([, v]) => v !== undefined)), sub: idToken.sub };
}

/** Sign-in error codes the sign-in page words (app/signin/page.tsx). */
export const OIDC_REFUSALS = {
  noEmail: "OidcNoEmail",
  unverified: "OidcEmailUnverified",
  emailTaken: "OidcEmailTaken",
} as const;

/** Why these claims cannot sign anyone in, or null. A provider must vouch for the email it gives. */
export function oidcClaimsProblem(claims: OidcClaims): (typeof OIDC_REFUSALS)[keyof typeof OIDC_REFUSALS] | null {
  if (typeof claims.email !== "string" || !claims.email.includes("@")) return OIDC_REFUSALS.noEmail;
  if (claims.email_verified !== true && claims.email_verified !== "true") return OIDC_REFUSALS.unverified;
  return null;
}
