import "server-only";
import { unstable_rethrow } from "next/navigation";
import type { NextRequest } from "next/server";
import type { z } from "zod";
import { callerFromRequest, meetsRequirement, type Caller, type RoleRequirement } from "@/lib/auth";
import { newRef } from "./log";
import { safeError } from "./safe-error";
import { fieldErrorsOf } from "./zod-errors";

export { HttpError } from "./errors";

type RawParams = Record<string, string | string[] | undefined>;

/** What Next passes a route handler as its second argument. */
export type NextRouteContext = { params: Promise<RawParams> };

export type RouteOptions<S extends z.ZodType | undefined, P extends z.ZodType | undefined> = {
  /** Who may call: a role, any of several roles, or "authenticated". */
  role: RoleRequirement;
  /** Validates the query string (GET, HEAD, DELETE) or the JSON body (other methods). */
  schema?: S;
  /** Validates the dynamic route segments. */
  params?: P;
  /**
   * Who is calling, for doors whose senders are machines with their own credentials (alert
   * intake: a shared secret, a Google-signed token). Default: an API token or the session.
   * May throw an HttpError (its status and message are the answer).
   */
  authenticate?: (req: NextRequest) => Promise<Caller | null>;
};

export type RouteHandlerCtx<S, P> = {
  caller: Caller;
  input: S extends z.ZodType ? z.output<S> : undefined;
  params: P extends z.ZodType ? z.output<P> : Record<string, string | string[] | undefined>;
  requestId: string;
};

export type ErrorBody = {
  error: { code: number; message: string; fieldErrors?: Record<string, string[]>; reason?: string; ref?: string };
};

export function errorResponse(code: number, message: string, extra: Omit<ErrorBody["error"], "code" | "message"> = {}, headers: HeadersInit = {}): Response {
  return Response.json({ error: { code, message, ...extra } } satisfies ErrorBody, { status: code, headers });
}

function queryObject(url: URL): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const key of new Set(url.searchParams.keys())) {
    const all = url.searchParams.getAll(key);
    out[key] = all.length === 1 ? all[0] : all;
  }
  return out;
}

const BODYLESS = new Set(["GET", "HEAD", "DELETE", "OPTIONS"]);

async function readInput(req: Request): Promise<{ ok: true; value: unknown } | { ok: false }> {
  if (BODYLESS.has(req.method)) return { ok: true, value: queryObject(new URL(req.url)) };
  const text = await req.text();
  if (text.trim() === "") return { ok: true, value: {} };
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}

/** The caller's X-Request-Id when it is a plain token, else a fresh reference. */
function requestIdOf(req: Request): string {
  const headerRef = req.headers.get("x-request-id");
  return headerRef && /^[A-Za-z0-9._-]{1,64}$/.test(headerRef) ? headerRef : newRef();
}

/**
 * Wraps a route handler: 401 without a caller, 403 without the role, 400 with field errors on
 * bad params or input (before the handler runs), then the handler's failure through
 * `safeError`, the policy server actions share: an HttpError as its status and message, anything
 * else as a 500 carrying only a reference id. A handler may return a Response, a
 * JSON-able value (200), or undefined (204).
 */
export function route<S extends z.ZodType | undefined = undefined, P extends z.ZodType | undefined = undefined>(
  opts: RouteOptions<S, P>,
  handler: (req: NextRequest, ctx: RouteHandlerCtx<S, P>) => Promise<unknown>,
): (req: NextRequest, context: NextRouteContext) => Promise<Response> {
  return async (req, context) => {
    const requestId = requestIdOf(req);
    const path = new URL(req.url).pathname;
    try {
      const caller = await (opts.authenticate ?? callerFromRequest)(req);
      if (!caller) return errorResponse(401, "Sign in or send an API token (Authorization: Bearer …)", {}, { "WWW-Authenticate": 'Bearer realm="airlock"' });
      if (!meetsRequirement(caller, opts.role)) return errorResponse(403, "Your role does not allow this");

      const rawParams = ((await context?.params) ?? {}) as RawParams;
      let params: unknown = rawParams;
      if (opts.params) {
        const parsed = opts.params.safeParse(rawParams);
        if (!parsed.success) return errorResponse(400, "Invalid path", { fieldErrors: fieldErrorsOf(parsed.error) });
        params = parsed.data;
      }
      let input: unknown = undefined;
      if (opts.schema) {
        const raw = await readInput(req);
        if (!raw.ok) return errorResponse(400, "Request body is not valid JSON");
        const parsed = opts.schema.safeParse(raw.value);
        if (!parsed.success) return errorResponse(400, "Invalid input", { fieldErrors: fieldErrorsOf(parsed.error) });
        input = parsed.data;
      }

      const out = await handler(req, { caller, input, params, requestId } as RouteHandlerCtx<S, P>);
      if (out instanceof Response) return out;
      if (out === undefined) return new Response(null, { status: 204 });
      return Response.json(out);
    } catch (err) {
      unstable_rethrow(err);
      const e = safeError(err, requestId, { door: "route", method: req.method, path });
      return errorResponse(e.status, e.message, { fieldErrors: e.fieldErrors, reason: e.reason, ref: e.ref });
    }
  };
}

/**
 * For the endpoints that must answer without a caller (the health probes a kubelet or load
 * balancer sends): no authentication and no input, so nothing to validate, and the same failure
 * policy as route(): an unexpected error is a 500 carrying only a reference.
 */
export function publicRoute(handler: (req: NextRequest, ctx: { requestId: string }) => Promise<Response>): (req: NextRequest) => Promise<Response> {
  return async (req) => {
    const requestId = requestIdOf(req);
    try {
      return await handler(req, { requestId });
    } catch (err) {
      unstable_rethrow(err);
      const e = safeError(err, requestId, { door: "route", method: req.method, path: new URL(req.url).pathname });
      return errorResponse(e.status, e.message, { ref: e.ref });
    }
  };
}
