// Test and proof support (never imported by app code), free of vitest so `npm run proof` uses it
// too: the API's route handlers called as a client would call them, and API tokens for test users.
import { NextRequest } from "next/server";
import { createToken, createUser } from "@/lib/auth";
import type { Role } from "@/lib/auth/roles";
import type { Db } from "@/lib/store";

export type RouteHandler = (req: NextRequest, ctx: { params: Promise<Record<string, string>> }) => Promise<Response>;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = Record<string, any>;

/** The handler's Response to a request with an optional bearer token and JSON body. */
export function routeResponse(
  handler: RouteHandler,
  method: string,
  url: string,
  params: Record<string, string>,
  token?: string,
  body?: unknown,
): Promise<Response> {
  const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
  if (body !== undefined) headers["content-type"] = "application/json";
  const req = new NextRequest(`http://airlock.test${url}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  return handler(req, { params: Promise.resolve(params) });
}

/** The same, read: status and JSON body (undefined when empty). */
export async function callRoute(
  handler: RouteHandler,
  method: string,
  url: string,
  params: Record<string, string>,
  token?: string,
  body?: unknown,
): Promise<{ status: number; body: Json }> {
  const res = await routeResponse(handler, method, url, params, token, body);
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : undefined) as Json };
}

/** A new user with these roles and an API token (named `tokenName`) for them. */
export async function userWithToken(db: Db, email: string, roles: Role[], tokenName = "t") {
  const user = await createUser(db, { email, roles });
  const token = await createToken(db, user.id, tokenName);
  return { user, token };
}

/** A new user with these roles and an API token for them: the token. */
export async function userToken(db: Db, email: string, roles: Role[]): Promise<string> {
  return (await userWithToken(db, email, roles)).token.token;
}
