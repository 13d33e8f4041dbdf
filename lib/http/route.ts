import "server-only";
import { unstable_rethrow } from "next/navigation";
import type { NextRequest } from "next/server";
import type { z } from "zod";
import { callerFromRequest, meetsRequirement, type Caller, type RoleRequirement } from "@/lib/auth";
import { config } from "@/lib/config";
import { readCapped } from "./body";
import { MAX_BODY_BYTES } from "./body-limit";
import { logRequest, newRef } from "./log";
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

/** What route() was given, kept on the handler it returns: `npm run proof` generates bad input from the schemas. */
export type RouteDoor = { role: RoleRequirement; schema?: z.ZodType; params?: z.ZodType };

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
/** Methods that change nothing: what a read-only token may call, and what needs no same-origin proof. */
const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

export { MAX_BODY_BYTES };
const TOO_LARGE = `Request body is larger than ${MAX_BODY_BYTES / 1024} KiB`;

type Input = { ok: true; value: unknown } | { ok: false; status: 400 | 413 };

async function readInput(req: Request): Promise<Input> {
  if (BODYLESS.has(req.method)) return { ok: true, value: queryObject(new URL(req.url)) };
  const { text, tooLarge } = await readCapped(req, MAX_BODY_BYTES);
  if (tooLarge) return { ok: false, status: 413 };
  if (text.trim() === "") return { ok: true, value: {} };
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false, status: 400 };
  }
}

/** The caller's X-Request-Id when it is a plain token, else a fresh reference. */
function requestIdOf(req: Request): string {
  const headerRef = req.headers.get("x-request-id");
  return headerRef && /^[A-Za-z0-9._-]{1,64}$/.test(headerRef) ? headerRef : newRef();
}

const declaredLength = (req: Request) => Number(req.headers.get("content-length") ?? 0);

/**
 * Why a cookie-authenticated mutation may have come from another site's page, or null. A browser
 * marks its requests with Sec-Fetch-Site and, on any cross-origin POST, Origin; a request with
 * neither is not a browser's (and cannot ride a victim's cookie). The body must be JSON, which a
 * cross-site form cannot send without a CORS preflight this console never grants.
 */
export function crossSiteProblem(req: Request, publicUrl: string | undefined): string | null {
  if (SAFE_METHODS.has(req.method)) return null;
  const site = req.headers.get("sec-fetch-site");
  if (site !== null && site !== "same-origin") return "Cross-site request refused: a signed-in browser may call the API only from the console's own pages";
  const origin = req.headers.get("origin");
  if (origin !== null && !sameOrigin(origin, req, publicUrl)) return "Cross-origin request refused: Origin is not this console";
  const type = req.headers.get("content-type");
  const hasBody = declaredLength(req) > 0 || req.headers.has("transfer-encoding");
  if ((type !== null || hasBody) && !/^application\/json\s*(;|$)/i.test(type ?? "")) return "Send the request body as application/json";
  return null;
}

function sameOrigin(origin: string, req: Request, publicUrl: string | undefined): boolean {
  let host: string;
  try {
    const o = new URL(origin);
    if (publicUrl && o.origin === new URL(publicUrl).origin) return true;
    host = o.host;
  } catch {
    return false; // "null" (sandboxed frames, some redirects) and garbage
  }
  // Behind a proxy the request URL may carry the internal scheme; the Host the browser addressed is what counts.
  return host === (req.headers.get("x-forwarded-host") ?? req.headers.get("host") ?? new URL(req.url).host);
}

/**
 * Wraps a route handler: 413 for a body over MAX_BODY_BYTES, 401 without a caller, 403 for a
 * cookie-authenticated mutation that is not same-origin JSON, for a read-only token's mutation, or
 * without the role, 400 with field errors on
 * bad params or input (before the handler runs), then the handler's failure through
 * `safeError`, the policy server actions share: an HttpError as its status and message, anything
 * else as a 500 carrying only a reference id. A handler may return a Response, a
 * JSON-able value (200), or undefined (204).
 */
export function route<S extends z.ZodType | undefined = undefined, P extends z.ZodType | undefined = undefined>(
  opts: RouteOptions<S, P>,
  handler: (req: NextRequest, ctx: RouteHandlerCtx<S, P>) => Promise<unknown>,
): ((req: NextRequest, context: NextRouteContext) => Promise<Response>) & { door: RouteDoor } {
  const door: RouteDoor = { role: opts.role, schema: opts.schema, params: opts.params };
  const wrapped = async (req: NextRequest, context: NextRouteContext): Promise<Response> => {
    const requestId = requestIdOf(req);
    const path = new URL(req.url).pathname;
    const started = performance.now();
    let status = 500; // stays so only when answer() rethrows Next's own control flow
    try {
      const res = await answer(req, context, requestId, path);
      status = res.status;
      return res;
    } finally {
      logRequest({ door: "route", requestId, method: req.method, path, status, started });
    }
  };

  async function answer(req: NextRequest, context: NextRouteContext, requestId: string, path: string): Promise<Response> {
    try {
      // Refused before anything is read or anyone is looked up.
      if (declaredLength(req) > MAX_BODY_BYTES) return errorResponse(413, TOO_LARGE);
      const caller = await (opts.authenticate ?? callerFromRequest)(req);
      if (!caller) return errorResponse(401, "Sign in or send an API token (Authorization: Bearer …)", {}, { "WWW-Authenticate": 'Bearer realm="airlock"' });
      // Only a cookie rides along on a forged request; a bearer token has to be sent on purpose.
      const crossSite = caller.via === "session" ? crossSiteProblem(req, config().nextauthUrl) : null;
      if (crossSite) return errorResponse(403, crossSite, { reason: "cross-site" });
      if (caller.readOnly && !SAFE_METHODS.has(req.method)) return errorResponse(403, "This API token is read-only", { reason: "read-only-token" });
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
        if (!raw.ok) return raw.status === 413 ? errorResponse(413, TOO_LARGE) : errorResponse(400, "Request body is not valid JSON");
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
  }
  return Object.assign(wrapped, { door });
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
