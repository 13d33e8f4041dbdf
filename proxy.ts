import { NextResponse, type NextRequest } from "next/server";

/**
 * Optimistic guard: a browser without a session cookie is sent to /signin. It does not verify
 * the cookie; every page, server action and route handler still checks the caller itself.
 * API routes are excluded (they answer 401 JSON rather than redirecting).
 */
export function proxy(req: NextRequest) {
  const hasSession = req.cookies.getAll().some((c) => /^(__Secure-)?next-auth\.session-token(\.\d+)?$/.test(c.name));
  if (hasSession) return NextResponse.next();
  const url = req.nextUrl.clone();
  url.pathname = "/signin";
  url.search = "";
  url.searchParams.set("callbackUrl", req.nextUrl.pathname + req.nextUrl.search);
  return NextResponse.redirect(url);
}

export const config = {
  matcher: ["/((?!api/|_next/|signin|favicon\\.ico|robots\\.txt|.*\\.(?:png|svg|ico|jpg|css|js|map|txt)$).*)"],
};
