import { NextRequest } from "next/server";
import { encode } from "next-auth/jwt";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { captureLogsForTests } from "@/lib/observe/logger";
import { z } from "zod";
import { createToken, createUser } from "@/lib/auth";
import { resetConfigForTests } from "@/lib/config";
import { openDb, setDbForTests, type Db } from "@/lib/store";
import { HttpError, MAX_BODY_BYTES, route } from "./route";

let db: Db;
let analystToken: string;
let leadToken: string;
const saved = { ...process.env };

beforeAll(async () => {
  process.env.NEXTAUTH_SECRET = "r".repeat(40);
  resetConfigForTests();
  db = await openDb(":memory:");
  setDbForTests(db);
  const a = await createUser(db, { email: "analyst@x.com", roles: ["analyst"] });
  const l = await createUser(db, { email: "lead@x.com", roles: ["lead"] });
  analystToken = (await createToken(db, a.id, "t")).token;
  leadToken = (await createToken(db, l.id, "t")).token;
});
afterAll(async () => {
  setDbForTests(undefined);
  await db.destroy();
  process.env = saved;
  resetConfigForTests();
});

let logged: string[] = [];
let restoreLogs = () => {};
beforeEach(() => {
  const capture = captureLogsForTests();
  logged = capture.lines;
  restoreLogs = capture.restore;
});
afterEach(() => restoreLogs());

const ran = vi.fn();
const handler = route(
  {
    role: "lead",
    params: z.object({ ns: z.string().regex(/^[a-z0-9-]+$/, "not a namespace name") }),
    schema: z.object({ replicas: z.number().int().min(0) }),
  },
  async (_req, { input, params, caller }) => {
    ran();
    if (input.replicas === 404) throw new HttpError(404, `Deployment ${params.ns}/web not found`);
    if (input.replicas === 500) throw new Error("secret=hunter2 leaked");
    if (input.replicas === 502)
      throw new HttpError(502, `"Scale" failed: Scaling ${params.ns}/web: deployments.apps "web" is forbidden`, { reason: "step-failed" });
    if (input.replicas === 0) return undefined;
    return { ns: params.ns, replicas: input.replicas, by: caller.email };
  },
);
const listHandler = route({ role: "analyst", schema: z.object({ limit: z.coerce.number().max(100).default(10) }) }, async (_r, { input }) => input);

function req(method: string, token: string | undefined, body?: unknown, url = "http://h/api/v1/x") {
  return new NextRequest(url, {
    method,
    headers: token ? { authorization: `Bearer ${token}` } : {},
    body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
  });
}
const ctx = (ns: string) => ({ params: Promise.resolve({ ns }) });

it("answers 401 with a JSON error when there is no caller", async () => {
  ran.mockClear();
  const res = await handler(req("POST", undefined, { replicas: "bad" }), ctx("shop"));
  expect(res.status).toBe(401);
  expect(res.headers.get("www-authenticate")).toMatch(/Bearer/);
  expect(await res.json()).toEqual({ error: { code: 401, message: expect.any(String) } });
  expect((await handler(req("POST", "alk_wrong", { replicas: 1 }), ctx("shop"))).status).toBe(401);
  expect(ran).not.toHaveBeenCalled();
});

it("answers 403 for the wrong role", async () => {
  const res = await handler(req("POST", analystToken, { replicas: 1 }), ctx("shop"));
  expect(res.status).toBe(403);
  expect((await res.json()).error.code).toBe(403);
});

it("answers 400 with field errors before the handler runs", async () => {
  ran.mockClear();
  let res = await handler(req("POST", leadToken, { replicas: -1 }), ctx("shop"));
  expect(res.status).toBe(400);
  expect((await res.json()).error.fieldErrors).toHaveProperty("replicas");
  res = await handler(req("POST", leadToken, { replicas: 1 }), ctx("Bad_NS"));
  expect(res.status).toBe(400);
  expect((await res.json()).error.fieldErrors).toEqual({ ns: ["not a namespace name"] });
  res = await handler(req("POST", leadToken, "{not json"), ctx("shop"));
  expect(res.status).toBe(400);
  expect(ran).not.toHaveBeenCalled();
});

it("runs the handler with caller, params and input", async () => {
  const res = await handler(req("POST", leadToken, { replicas: 3 }), ctx("shop"));
  expect(res.status).toBe(200);
  expect(await res.json()).toEqual({ ns: "shop", replicas: 3, by: "lead@x.com" });
  expect((await handler(req("POST", leadToken, { replicas: 0 }), ctx("shop"))).status).toBe(204);
});

it("lets a lead through an analyst route and validates the query string on GET", async () => {
  let res = await listHandler(req("GET", leadToken, undefined, "http://h/api/v1/x?limit=5"), { params: Promise.resolve({}) });
  expect(await res.json()).toEqual({ limit: 5 });
  res = await listHandler(req("GET", analystToken, undefined, "http://h/api/v1/x?limit=500"), { params: Promise.resolve({}) });
  expect(res.status).toBe(400);
});

it("maps HttpError to its status and hides other errors behind a reference", async () => {
  let res = await handler(req("POST", leadToken, { replicas: 404 }), ctx("shop"));
  expect(res.status).toBe(404);
  expect(await res.json()).toEqual({ error: { code: 404, message: "Deployment shop/web not found" } });
  res = await handler(req("POST", leadToken, { replicas: 500 }), ctx("shop"));
  expect(res.status).toBe(500);
  const body = await res.json();
  expect(body.error.message).toMatch(/^Internal error \(ref [0-9a-f]+\)$/);
  expect(JSON.stringify(body)).not.toContain("hunter2");
  expect(logged.join("\n")).toContain(body.error.ref);
  expect(logged.join("\n")).not.toContain("hunter2");
});

it("logs one line per request whose requestId is the reference the caller was shown, without body, query or token", async () => {
  const res = await handler(req("POST", leadToken, { replicas: 500 }, "http://h/api/v1/x?token=sekrit"), ctx("shop"));
  const ref = (await res.json()).error.ref;
  const lines = logged.map((l) => JSON.parse(l) as Record<string, unknown>);
  const requests = lines.filter((l) => l.msg === "request");
  expect(requests).toEqual([expect.objectContaining({ level: "info", door: "route", requestId: ref, method: "POST", path: "/api/v1/x", status: 500 })]);
  expect(lines.find((l) => l.level === "error")).toMatchObject({ ref });
  expect(logged.join("\n")).not.toMatch(/sekrit|replicas|lead@x\.com/);
  expect(logged.join("\n")).not.toContain(leadToken);

  // A caller's own X-Request-Id is kept, so its logs and ours join up.
  logged.length = 0;
  const own = await handler(
    new NextRequest("http://h/api/v1/x", { method: "POST", headers: { authorization: `Bearer ${leadToken}`, "x-request-id": "lb-7f3a" }, body: "{}" }),
    ctx("shop"),
  );
  expect(own.status).toBe(400);
  expect(logged.map((l) => JSON.parse(l))).toEqual([expect.objectContaining({ msg: "request", requestId: "lb-7f3a", status: 400 })]);
});

it("shows a deliberate 502 (a failed step) with its reason and the reference of its log line", async () => {
  const res = await handler(req("POST", leadToken, { replicas: 502 }), ctx("shop"));
  expect(res.status).toBe(502);
  const body = await res.json();
  expect(body).toEqual({
    error: {
      code: 502,
      message: `"Scale" failed: Scaling shop/web: deployments.apps "web" is forbidden (ref ${body.error.ref})`,
      reason: "step-failed",
      ref: expect.stringMatching(/^[0-9a-f]{12}$/),
    },
  });
  expect(logged.join("\n")).toContain(body.error.ref);
});

describe("cookie sessions, read-only tokens and body size", () => {
  const open = route({ role: "analyst", schema: z.object({ note: z.string().optional() }) }, async () => {
    ran();
    return { ok: true };
  });
  let cookie: string;
  let readOnlyToken: string;
  beforeAll(async () => {
    const u = await createUser(db, { email: "browser@x.com", roles: ["analyst"] });
    cookie = `next-auth.session-token=${await encode({ token: { uid: u.id }, secret: process.env.NEXTAUTH_SECRET! })}`;
    readOnlyToken = (await createToken(db, u.id, "reader", { readOnly: true })).token;
  });
  const browser = (method: string, headers: Record<string, string>, body?: string) =>
    new NextRequest("http://console.example/api/v1/x", { method, headers: { host: "console.example", cookie, ...headers }, body });
  const json = { "content-type": "application/json" };

  it("accepts same-origin JSON from a signed-in browser, and requests no browser made", async () => {
    for (const headers of [
      { ...json, origin: "http://console.example", "sec-fetch-site": "same-origin" },
      { ...json, origin: "http://console.example" },
      json, // no Origin and no Sec-Fetch-Site: not a browser, so no victim's cookie
    ]) {
      ran.mockClear();
      const res = await open(browser("POST", headers, "{}"), ctx("x"));
      expect(res.status, JSON.stringify(headers)).toBe(200);
      expect(ran).toHaveBeenCalledOnce();
    }
    expect((await open(browser("GET", { "sec-fetch-site": "cross-site" }), ctx("x"))).status).toBe(200);
  });

  it("refuses a cookie-authenticated mutation from another site, or not sent as JSON, before the handler runs", async () => {
    const cases: [Record<string, string>, RegExp][] = [
      [{ ...json, "sec-fetch-site": "cross-site", origin: "https://evil.example" }, /Cross-site request refused/],
      [{ ...json, "sec-fetch-site": "same-site" }, /Cross-site request refused/],
      [{ ...json, origin: "https://evil.example" }, /Origin is not this console/],
      [{ ...json, origin: "null" }, /Origin is not this console/],
      [{ "content-type": "text/plain", "sec-fetch-site": "same-origin" }, /application\/json/],
      [{ "content-type": "application/x-www-form-urlencoded" }, /application\/json/],
    ];
    for (const [headers, message] of cases) {
      ran.mockClear();
      const res = await open(browser("POST", headers, "{}"), ctx("x"));
      expect(res.status, JSON.stringify(headers)).toBe(403);
      expect((await res.json()).error).toMatchObject({ message: expect.stringMatching(message), reason: "cross-site" });
      expect(ran).not.toHaveBeenCalled();
    }
    // The same cross-site headers with a bearer token: no cookie rode along, nothing to forge.
    const viaToken = new NextRequest("http://console.example/api/v1/x", {
      method: "POST",
      headers: { authorization: `Bearer ${analystToken}`, "sec-fetch-site": "cross-site", "content-type": "text/plain" },
      body: "{}",
    });
    expect((await open(viaToken, ctx("x"))).status).toBe(200);
  });

  it("lets a read-only token read and refuses it any mutation", async () => {
    const reading = await listHandler(req("GET", readOnlyToken, undefined, "http://h/api/v1/x?limit=5"), ctx("x"));
    expect(reading.status).toBe(200);
    for (const method of ["POST", "PUT", "PATCH", "DELETE"]) {
      ran.mockClear();
      const res = await open(req(method, readOnlyToken, method === "DELETE" ? undefined : {}), ctx("x"));
      expect(res.status, method).toBe(403);
      expect((await res.json()).error).toMatchObject({ message: "This API token is read-only", reason: "read-only-token" });
      expect(ran).not.toHaveBeenCalled();
    }
  });

  it("answers 413 for a body over 1 MiB, announced or streamed", async () => {
    const big = JSON.stringify({ note: "x".repeat(MAX_BODY_BYTES) });
    ran.mockClear();
    const announced = await open(req("POST", analystToken, big), ctx("x"));
    expect(announced.status).toBe(413);
    const stream = new ReadableStream<Uint8Array>({
      start(c) {
        c.enqueue(new TextEncoder().encode(big));
        c.close();
      },
    });
    const init = { method: "POST", headers: { authorization: `Bearer ${analystToken}` }, body: stream, duplex: "half" };
    const streamed = await open(new NextRequest(new Request("http://h/api/v1/x", init as RequestInit)), ctx("x"));
    expect(streamed.status).toBe(413);
    expect((await streamed.json()).error.message).toMatch(/larger than 1024 KiB/);
    expect(ran).not.toHaveBeenCalled();
    expect((await open(req("POST", analystToken, { note: "x".repeat(1000) }), ctx("x"))).status).toBe(200);
  });
});

it("keeps what it was given on the handler, for npm run proof to generate bad input from", () => {
  const schema = z.object({ n: z.number() });
  const params = z.object({ id: z.string() });
  const handler = route({ role: "lead", schema, params }, async () => undefined);
  expect(handler.door).toEqual({ role: "lead", schema, params });
});
