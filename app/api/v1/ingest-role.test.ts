import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { freshDb } from "@/lib/containment/testing";
import { callRoute, userToken, type RouteHandler } from "./testing";

// The ingest role is for alert senders: its token may post alerts and do nothing else. Every
// other handler under /api/v1 (found on disk, so a new route is covered the day it is added)
// must refuse it before doing anything, whatever its own role requirement is.

const ROOT = path.join(process.cwd(), "app", "api", "v1");
/** The intake doors an ingest token is for; GET /api/v1/alerts (reading) is not one of them. */
const INTAKE = new Set(["alerts/falco/route.ts POST", "alerts/scc/route.ts POST", "alerts/route.ts POST"]);
/** Public on purpose (the API description holds no data). */
const PUBLIC = new Set(["openapi.json/route.ts GET"]);
const METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"] as const;

function routeFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return routeFiles(p);
    return e.name === "route.ts" ? [path.relative(ROOT, p)] : [];
  });
}

/** A plausible value for each dynamic segment: the role check comes before any lookup. */
function urlOf(rel: string): { url: string; params: Record<string, string> } {
  const params: Record<string, string> = {};
  const parts = path
    .dirname(rel)
    .split(path.sep)
    .filter((p) => p !== ".")
    .map((seg) => {
      const m = /^\[(?:\.\.\.)?(\w+)\]$/.exec(seg);
      if (!m) return seg;
      params[m[1]] = m[1] === "stepId" ? "collect-evidence" : `x-${m[1]}`;
      return params[m[1]];
    });
  return { url: `/api/v1/${parts.join("/")}`, params };
}

let close: () => Promise<void>;
let ingest: string;

beforeAll(async () => {
  const fresh = await freshDb();
  close = fresh.close;
  ingest = await userToken(fresh.db, "falco@x.com", ["ingest"]);
});
afterAll(async () => close?.());

it("every /api/v1 handler except the alert intake refuses an ingest token", async () => {
  const checked: string[] = [];
  for (const rel of routeFiles(ROOT)) {
    const mod = (await import(/* @vite-ignore */ path.join(ROOT, rel))) as Record<string, RouteHandler | undefined>;
    const { url, params } = urlOf(rel);
    for (const method of METHODS) {
      const handler = mod[method];
      const key = `${rel.split(path.sep).join("/")} ${method}`;
      if (!handler || INTAKE.has(key) || PUBLIC.has(key)) continue;
      const res = await callRoute(handler, method, url, params, ingest, method === "GET" || method === "DELETE" ? undefined : {});
      expect(res.status, `${key} answered ${res.status}`).toBe(403);
      checked.push(key);
    }
  }
  // The walk found the API: incidents, approvals, clusters and the alert list among them.
  expect(checked).toEqual(expect.arrayContaining(["incidents/route.ts POST", "approvals/route.ts GET", "clusters/route.ts GET", "alerts/route.ts GET"]));
});
