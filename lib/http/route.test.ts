import { NextRequest } from "next/server";
import { afterAll, beforeAll, beforeEach, expect, it, vi } from "vitest";
import { z } from "zod";
import { createToken, createUser } from "@/lib/auth";
import { resetConfigForTests } from "@/lib/config";
import { openDb, setDbForTests, type Db } from "@/lib/store";
import { HttpError, route } from "./route";

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
beforeEach(() => {
  logged = [];
  vi.spyOn(console, "error").mockImplementation((line: string) => void logged.push(String(line)));
});

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
