// Authorization matrix: every route handler (found in app/api/**/route.ts, every exported method)
// and every server action (app/**/actions/*.ts, every exported function) called by each kind of
// caller, against the expectation table (authorization-table.ts). Target: 0 escalations (a 2xx, an
// ok result, or a write where a refusal is expected) and no door missing from the table.
//
// Route handlers are called over HTTP on a `next start` replica of the production build (proxy,
// routing and next-auth as deployed), once with each credential the caller holds: its API token
// and its signed session cookie. The replica shares this process's database and session secret,
// so the figure's users, tokens and cookies are its own. Server actions are called in this process
// (scripts/proof/next-request-stub.ts gives them the request's cookies): Next invokes them over
// React's private flight encoding, with ids a build assigns, which no client outside Next speaks.
import { randomUUID } from "node:crypto";
import { revokeToken, type Role } from "@/lib/auth";
import { getDb, type Db } from "@/lib/store";
import { callReplica, killReplicas, type Replica } from "../production-console";
import { ACTIONS, CALLERS, expected, ROUTES, TARGETLESS_ACTIONS, type CallerKind, type Verdict } from "./authorization-table";
import { actionDoors, demoDoorTargets, person, routeDoors, sessionCookie } from "./doors";
import { simRequestSeq, simWritesSince, startConsoleSim } from "./console-sim";
import { withRequest } from "./next-request-stub";
import { proofReplica } from "./proof-replica";
import type { Figure } from "./types";

const HUMAN_ROLES: Role[] = ["analyst", "lead", "approver", "admin"];

/** What a caller holds: route handlers get each in turn, server actions the cookie (or, without one, the token). */
type Credential = { token?: string; cookie?: string };

/** `token`, `session`: a route handler over HTTP with that credential (or none: anonymous); `action`: a server action in-process. */
type Via = "token" | "session" | "action";

type Cell = { door: string; caller: CallerKind; via: Via; expected: Verdict; actual: string; refused: boolean; writes: string[]; rows: number };

/** The credentials a caller presents to a route handler, one call each; anonymous makes one call with none. */
function routePresentations(c: Credential): { via: Via; token?: string; cookie?: string }[] {
  const out: { via: Via; token?: string; cookie?: string }[] = [];
  if (c.token) out.push({ via: "token", token: c.token });
  if (c.cookie) out.push({ via: "session", cookie: c.cookie });
  return out.length > 0 ? out : [{ via: "token" }];
}

/** One credential per caller kind: real users, real tokens, real signed session cookies. */
async function credentials(db: Db): Promise<Record<CallerKind, Credential>> {
  const out = { anonymous: {} } as Record<CallerKind, Credential>;
  for (const role of [...HUMAN_ROLES, "ingest"] as Role[]) {
    const p = await person(db, `proof-authz-${role}@x.com`, [role]);
    out[role as CallerKind] = { token: p.token.token, cookie: await sessionCookie(p.user.id) };
  }
  // The refused kinds hold every role, so a refusal can only come from the credential itself.
  const revoked = await person(db, "proof-authz-revoked@x.com", HUMAN_ROLES);
  await revokeToken(db, revoked.token.id);
  // Server actions take no token: the revoked token is sent anyway, as the only credential.
  out["revoked token"] = { token: revoked.token.token, cookie: undefined };
  const expiring = await person(db, "proof-authz-expired@x.com", HUMAN_ROLES);
  await db
    .updateTable("api_tokens")
    .set({ expires_at: new Date(Date.now() - 60_000).toISOString() })
    .where("id", "=", expiring.token.id)
    .execute();
  out["expired token"] = { token: expiring.token.token, cookie: await sessionCookie(expiring.user.id, -60) };
  const disabled = await person(db, "proof-authz-disabled@x.com", HUMAN_ROLES);
  const disabledCookie = await sessionCookie(disabled.user.id);
  await db.updateTable("users").set({ disabled: 1 }).where("id", "=", disabled.user.id).execute();
  out["disabled user"] = { token: disabled.token.token, cookie: disabledCookie };
  const wrong = await person(db, "proof-authz-wrong@x.com", HUMAN_ROLES);
  out["wrong-incident id"] = { token: wrong.token.token, cookie: await sessionCookie(wrong.user.id) };
  return out;
}

// ---- side effects ------------------------------------------------------------------------

/** Rows a door could add on the console's side (the intake's record of refused deliveries excluded: refusals are recorded on purpose). */
async function rowCount(db: Db): Promise<number> {
  let n = 0;
  for (const t of [
    "timeline",
    "incidents",
    "step_runs",
    "approval_requests",
    "approval_decisions",
    "incident_reviews",
    "alerts",
    "api_tokens",
    "evidence_artifacts",
  ] as const) {
    const r = await db
      .selectFrom(t)
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .executeTakeFirstOrThrow();
    n += Number(r.n);
  }
  const revoked = await db
    .selectFrom("api_tokens")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where("revoked_at", "is not", null)
    .executeTakeFirstOrThrow();
  return n + Number(revoked.n);
}

// ---- the figure --------------------------------------------------------------------------

export const authorization: Figure = {
  id: "authorization",
  title: "Authorization matrix: every route handler (over HTTP, production build) and server action (in-process) × 10 callers",
  target: "0 escalations, every door in the table",
  async run({ log }) {
    const sim = await startConsoleSim();
    let replica: Replica | undefined;
    try {
      const db = await getDb();
      const who = await credentials(db);
      replica = await proofReplica("authorization", sim, log);
      const opener = await person(db, "proof-authz-opener@x.com", ["analyst"]);
      const { pod, idsFor: realIdsFor } = await demoDoorTargets(opener.user, ["analyst"], "proof: authorization");
      const idsFor = (template: string, wrong: boolean): Record<string, unknown> => ({
        ...realIdsFor(template),
        ...(wrong ? { id: randomUUID(), approvalId: randomUUID() } : {}),
      });

      const cells: Cell[] = [];
      const missing: string[] = [];
      const stale = new Set([...Object.keys(ROUTES).map((k) => `route ${k}`), ...Object.keys(ACTIONS).map((k) => `action ${k}`)]);

      const measure = async (door: string, caller: CallerKind, via: Via, verdict: Verdict, call: () => Promise<{ actual: string; refused: boolean }>) => {
        const since = await simRequestSeq(sim);
        const before = await rowCount(db);
        const { actual, refused } = await call();
        cells.push({ door, caller, via, expected: verdict, actual, refused, writes: await simWritesSince(sim, since), rows: (await rowCount(db)) - before });
      };

      for (const door of await routeDoors()) {
        stale.delete(`route ${door.key}`);
        const exp = ROUTES[door.key];
        if (!exp) {
          missing.push(`route ${door.key}`);
          continue;
        }
        const hasId = /\[(id|approvalId)\]/.test(door.template);
        for (const caller of CALLERS) {
          const verdict = expected(exp, caller, hasId);
          if (verdict === "n/a") continue;
          const ids = idsFor(door.template, caller === "wrong-incident id");
          const url = door.template.replace(/\[(?:\.\.\.)?(\w+)\]/g, (_, k: string) => [ids[k]].flat().map(String).join("/"));
          const bodyless = ["GET", "HEAD", "DELETE", "OPTIONS"].includes(door.method);
          for (const { via, token, cookie } of routePresentations(who[caller])) {
            await measure(door.key, caller, via, verdict, async () => {
              const res = await callReplica(replica!, door.method, url, token, bodyless ? undefined : {}, cookie);
              const refused = caller === "wrong-incident id" ? res.status >= 400 && res.status < 500 : res.status === 401 || res.status === 403;
              return { actual: String(res.status), refused };
            });
          }
        }
      }

      for (const door of await actionDoors()) {
        stale.delete(`action ${door.key}`);
        const exp = ACTIONS[door.key];
        if (!exp) {
          missing.push(`action ${door.key}`);
          continue;
        }
        for (const caller of CALLERS) {
          const verdict = expected(exp, caller, !TARGETLESS_ACTIONS.has(door.key));
          if (verdict === "n/a") continue;
          const ids = idsFor("", caller === "wrong-incident id");
          // Valid in shape, so a refusal after authentication comes from the lookup, not the schema.
          const input = {
            ...ids,
            alertId: randomUUID(),
            entryId: 1,
            text: "proof",
            note: "proof",
            comment: "proof",
            name: "proof",
            days: 1,
            password: "not-the-password",
            planHash: "0".repeat(64),
            pod: pod.name,
            title: "proof: authorization",
          };
          const { cookie, token } = who[caller];
          const headers: Record<string, string> = { ...(cookie ? { cookie } : {}), ...(token && !cookie ? { authorization: `Bearer ${token}` } : {}) };
          const cookies = Object.fromEntries(cookie ? [cookie.split(/=(.*)/s).slice(0, 2)] : []);
          await measure(door.key, caller, "action", verdict, async () => {
            const r = await withRequest({ headers, cookies }, () => door.fn(input));
            const authRefusal = !r.ok && /sign in again|role does not allow/i.test(r.message ?? "");
            return { actual: r.ok ? "ok" : `refused: ${r.message}`, refused: caller === "wrong-incident id" ? !r.ok : authRefusal };
          });
        }
      }

      const escalations = cells.filter((c) => c.expected === "refuse" && (!c.refused || c.writes.length > 0 || c.rows > 0));
      // Not escalations, but the table and the doors disagree: worth reading in the JSON.
      const mismatches = cells.filter((c) => c.expected === "allow" && c.refused);
      const serverErrors = cells.filter((c) => /^5/.test(c.actual));
      for (const e of escalations) log(`authorization: ESCALATION ${e.door} as ${e.caller} (${e.via}): ${e.actual}, writes ${e.writes.length}, rows ${e.rows}`);
      for (const m of missing) log(`authorization: no expectation for ${m} (add it to scripts/proof/authorization-table.ts)`);
      for (const s of stale) log(`authorization: the table names ${s}, which no longer exists`);
      const doors = new Set(cells.map((c) => c.door));
      const actions = [...doors].filter((d) => d.includes("#")).length;
      const routes = doors.size - actions;
      return {
        result: `${escalations.length} escalation(s) in ${cells.length} calls (${routes} route methods, ${actions} actions); ${missing.length} door(s) without an entry; ${mismatches.length} over-refusal(s); ${serverErrors.length}×5xx`,
        met: escalations.length === 0 && missing.length === 0 && stale.size === 0,
        details: { escalations, missing, stale: [...stale], mismatches, serverErrors, cells },
      };
    } finally {
      if (replica) await killReplicas([replica]);
      await sim.stop();
    }
  },
};
