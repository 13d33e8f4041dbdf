import "server-only";
import { getToken } from "next-auth/jwt";
import { cookies, headers } from "next/headers";
import { config } from "@/lib/config";
import { getDb } from "@/lib/store";
import { bearerToken } from "./bearer";
import type { Caller } from "./roles";
import { callerFromToken } from "./tokens";
import { findUserById, toCaller } from "./users";

type CookieBag = Record<string, string>;

function parseCookieHeader(header: string | null): CookieBag {
  const out: CookieBag = {};
  if (!header) return out;
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq < 0) continue;
    const name = part.slice(0, eq).trim();
    const raw = part.slice(eq + 1).trim();
    try {
      out[name] = decodeURIComponent(raw);
    } catch {
      out[name] = raw;
    }
  }
  return out;
}

async function callerFromSessionCookies(cookieBag: CookieBag, headerBag: Record<string, string>): Promise<Caller | null> {
  const cfg = config();
  // No Authorization header reaches getToken: it would otherwise try to read a bearer token as a session JWT.
  const rest = Object.fromEntries(Object.entries(headerBag).filter(([k]) => k.toLowerCase() !== "authorization"));
  const jwt = await getToken({
    req: { headers: rest, cookies: cookieBag } as unknown as Parameters<typeof getToken>[0]["req"],
    secret: cfg.nextauthSecret,
    // next-auth names the cookie __Secure-… when it sets Secure cookies (config().secureCookies).
    secureCookie: cfg.secureCookies || Object.keys(cookieBag).some((k) => k.startsWith("__Secure-next-auth.session-token")),
  });
  if (!jwt?.uid) return null;
  const user = await findUserById(await getDb(), jwt.uid);
  if (!user || user.disabled) return null;
  return { ...toCaller(user, "session"), ...(typeof jwt.authAt === "number" ? { authAt: jwt.authAt } : {}) };
}

/**
 * The caller of a route handler: `Authorization: Bearer alk_…` (an API token), else the
 * next-auth session cookie. A present but unusable Authorization header never falls back
 * to the cookie. Roles come from the database on every request, so revocations bite at once.
 */
export async function callerFromRequest(req: Request): Promise<Caller | null> {
  if (req.headers.has("authorization")) {
    const token = bearerToken(req);
    if (!token) return null;
    return (await callerFromToken(await getDb(), token)) ?? null;
  }
  return callerFromSessionCookies(parseCookieHeader(req.headers.get("cookie")), Object.fromEntries(req.headers));
}

/** The signed-in user in a server component or server action, or null. */
export async function getCaller(): Promise<Caller | null> {
  const jar = await cookies();
  const hdrs = await headers();
  return callerFromSessionCookies(Object.fromEntries(jar.getAll().map((c) => [c.name, c.value])), Object.fromEntries(hdrs));
}
