import { NextResponse, type NextRequest } from "next/server";
import { contentSecurityPolicy, newNonce, staticSecurityHeaders } from "@/lib/http/security-headers";

/** Paths anyone may open: the sign-in page and next-auth's own endpoints. API routes answer 401 themselves. */
const PUBLIC_PAGE = /^\/(signin(\/|$)|api\/)/;

/**
 * Every response gets the security headers and a fresh CSP nonce (Next reads it from the request's
 * policy and puts it on its scripts). Pages also get an optimistic guard: a browser without a
 * session cookie is sent to /signin. It does not verify the cookie; every page, server action and
 * route handler still checks the caller itself. API routes (health probes included) are never
 * redirected: they answer 401 JSON, or nothing secret, on their own.
 */
export function proxy(req: NextRequest) {
  const nonce = newNonce();
  const csp = contentSecurityPolicy(nonce, { dev: process.env.NODE_ENV !== "production" });
  const hasSession = req.cookies.getAll().some((c) => /^(__Secure-)?next-auth\.session-token(\.\d+)?$/.test(c.name));
  let res: NextResponse;
  if (hasSession || PUBLIC_PAGE.test(req.nextUrl.pathname)) {
    const headers = new Headers(req.headers);
    headers.set("content-security-policy", csp);
    headers.set("x-nonce", nonce);
    res = NextResponse.next({ request: { headers } });
  } else {
    const url = req.nextUrl.clone();
    url.pathname = "/signin";
    url.search = "";
    url.searchParams.set("callbackUrl", req.nextUrl.pathname + req.nextUrl.search);
    res = NextResponse.redirect(url);
  }
  res.headers.set("Content-Security-Policy", csp);
  for (const [k, v] of Object.entries(staticSecurityHeaders(process.env.NEXTAUTH_URL))) res.headers.set(k, v);
  return res;
}

export const config = {
  matcher: ["/((?!_next/static|_next/image|favicon\\.ico|favicon\\.svg|robots\\.txt).*)"],
};
