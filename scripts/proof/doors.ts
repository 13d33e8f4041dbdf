// The console's doors as `npm run proof` calls them: route handlers found in app/api/**/route.ts
// (every exported method) and server actions in app/**/actions/*.ts (every exported function),
// and the people who call them (real users, API tokens, signed session cookies).
import { randomUUID } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { encode } from "next-auth/jwt";
import type { NextRequest } from "next/server";
import type { z } from "zod";
import type { Role } from "@/lib/auth";
import { userWithToken } from "@/app/api/v1/route-call";
import { config } from "@/lib/config";
import { openIncident } from "@/lib/containment/incidents";
import type { Db } from "@/lib/store";
import { findCompromisedPod } from "@/lib/clusters/demo-fixture";
import { PAYMENTS } from "./console-sim";

const APP = path.resolve(__dirname, "../../app");
const METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"] as const;

function walk(dir: string, match: (file: string) => boolean): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    return e.isDirectory() ? walk(full, match) : match(full) ? [full] : [];
  });
}

export type RouteDoor = {
  key: string;
  template: string;
  method: string;
  /** `door`: what route() was given (undefined for the few handlers made without it). */
  handler: ((req: NextRequest, ctx: { params: Promise<Record<string, unknown>> }) => Promise<Response>) & { door?: { schema?: z.ZodType; params?: z.ZodType } };
};

export async function routeDoors(): Promise<RouteDoor[]> {
  const out: RouteDoor[] = [];
  for (const file of walk(path.join(APP, "api"), (f) => path.basename(f) === "route.ts").sort()) {
    const template = "/" + path.relative(APP, path.dirname(file)).split(path.sep).join("/");
    const mod = (await import(file)) as Record<string, unknown>;
    for (const m of METHODS)
      if (typeof mod[m] === "function") out.push({ key: `${m} ${template}`, template, method: m, handler: mod[m] as RouteDoor["handler"] });
  }
  return out;
}

export type ActionResultLike = { ok: boolean; message?: string; fieldErrors?: Record<string, string[]> };
export type ActionDoor = { key: string; fn: ((input: unknown) => Promise<ActionResultLike>) & { door?: { schema: z.ZodType } } };

export async function actionDoors(): Promise<ActionDoor[]> {
  const out: ActionDoor[] = [];
  const files = walk(APP, (f) => path.basename(path.dirname(f)) === "actions" && f.endsWith(".ts") && !f.endsWith(".test.ts")).sort();
  for (const file of files) {
    const mod = (await import(file)) as Record<string, unknown>;
    for (const [name, fn] of Object.entries(mod)) {
      if (typeof fn === "function") out.push({ key: `${path.relative(APP, file).split(path.sep).join("/")}#${name}`, fn: fn as ActionDoor["fn"] });
    }
  }
  return out;
}

export async function sessionCookie(uid: string, maxAge = 3600): Promise<string> {
  const name = config().secureCookies ? "__Secure-next-auth.session-token" : "next-auth.session-token";
  const jwt = await encode({ token: { uid, authAt: Math.floor(Date.now() / 1000) }, secret: config().nextauthSecret, maxAge });
  return `${name}=${jwt}`;
}

/** A new user with these roles and an API token for them (the tests' userWithToken). */
export function person(db: Db, email: string, roles: Role[]) {
  return userWithToken(db, email, roles, "proof");
}

/**
 * Opens an incident on the demo's compromised pod (as `opener`, with `roles`) and returns the
 * values that make every door's path name something real: `ids` for the incident, step, runbook
 * and cluster parameters, `idsFor(template)` adding the pod's or its node's `name`.
 */
export async function demoDoorTargets(opener: { id: string; email: string }, roles: Role[], title: string) {
  const { name, node } = await findCompromisedPod(PAYMENTS);
  const incident = await openIncident(
    { id: opener.id, email: opener.email, name: null, roles, via: "token" },
    { cluster: PAYMENTS, namespace: "shop", pod: name, title },
  );
  const ids: Record<string, unknown> = {
    id: incident.id,
    stepId: "cordon-node",
    runbook: "isolate-pod",
    approvalId: randomUUID(),
    artifactId: randomUUID(),
    cluster: PAYMENTS,
    namespace: "shop",
    nextauth: ["session"],
  };
  const idsFor = (template: string): Record<string, unknown> => ({ ...ids, name: template.includes("/nodes/") ? node : name });
  return { pod: { name, node }, incident, ids, idsFor };
}
