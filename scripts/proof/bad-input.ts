// Bad input: inputs generated from the doors' own zod schemas (fast-check, zod-arbitrary.ts), each
// step's params schema, and a hand corpus (oversized and deeply nested JSON, wrong content types,
// invalid UTF-8, control characters in names, NaN/negative/huge numbers, wide CIDRs, label values
// with "="), through both doors: route handlers and server actions, as a caller holding every role.
// Target: no answer ≥ 500, no write reaching the cluster or cloud (the simulator's request log),
// and every 400 naming the field (fieldErrors), except a body that is not JSON at all.
//
// Route handlers are called over HTTP with fetch on a `next start` replica of the production build
// (proof-replica.ts), so Node's HTTP server, Next's routing and proxy.ts see every request first:
// bodies go as raw bytes, a stream goes chunked without Content-Length. A 400 counts whoever sent
// it: one from Node or Next without a field would be a defect too. Answers Node or Next give before
// route() runs and that are not 400 (431 for a URL over Node's 16 KiB header limit, 308 where Next
// normalises an empty path segment, 404 for a generated path no route matches) are tallied apart. Schemas are read from the functions route()
// returns, imported here. Server actions are called in this process (see authorization.ts for why).
import { randomBytes } from "node:crypto";
import fc from "fast-check";
import { z } from "zod";
import type { Role } from "@/lib/auth";
import { listSteps } from "@/lib/containment/registry";
import { getDb } from "@/lib/store";
import { PAYMENTS, simRequestSeq, simWritesSince, startConsoleSim } from "./console-sim";
import { actionDoors, demoDoorTargets, person, routeDoors, sessionCookie, type ActionResultLike, type RouteDoor } from "./doors";
import { killReplicas, type Replica } from "../production-console";
import { withRequest } from "./next-request-stub";
import { proofReplica } from "./proof-replica";
import type { Figure } from "./types";
import { arbitraryOf, HOSTILE_STRINGS } from "./zod-arbitrary";

const EVERY_ROLE: Role[] = ["analyst", "lead", "approver", "admin"];
const BODYLESS = new Set(["GET", "HEAD", "DELETE", "OPTIONS"]);

/** `beforeRoute`: a route() door's refusal that Node or Next answered before route() ran (a URL over Node's header limit, a path Next redirects). */
type Case = { door: string; input: string; answer: string; status?: number; beforeRoute?: boolean; defect?: "5xx" | "unnamed 400" };

type RouteCall = {
  door: RouteDoor;
  params: Record<string, unknown>;
  query?: unknown;
  body?: string | Uint8Array | ReadableStream<Uint8Array>;
  contentType?: string;
  notJson?: boolean;
};

const show = (v: unknown) => {
  const s = typeof v === "string" ? v : (JSON.stringify(v) ?? String(v));
  return s.length > 160 ? `${s.slice(0, 160)}… (${s.length} chars)` : s;
};

/** Lone surrogates replaced (as the wire would): encodeURIComponent throws on them. */
const wellFormed = (s: string) => s.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, "\ufffd");

/** A query string from a generated value: strings as given, arrays as repeated keys, anything else as JSON. */
function queryString(q: unknown): string {
  if (q === null || typeof q !== "object" || Array.isArray(q)) return "";
  const sp = new URLSearchParams();
  for (const [k, v] of Object.entries(q)) {
    if (v === undefined) continue;
    for (const one of Array.isArray(v) ? v : [v]) sp.append(k, typeof one === "string" ? one : (JSON.stringify(one) ?? ""));
  }
  const s = sp.toString();
  return s ? `?${s}` : "";
}

/** A generated value as a path segment. String() throws on an object without a usable toString (fast-check makes such objects). */
function segment(v: unknown): string {
  try {
    return String(v);
  } catch {
    return JSON.stringify(v) ?? "";
  }
}

export const badInput: Figure = {
  id: "bad-input",
  title: "Bad input through route handlers (over HTTP, production build) and server actions (in-process)",
  target: "≥ 500 inputs, 0 answers ≥ 500, 0 writes, every 400 names the field",
  async run({ quick, log }) {
    const perDoor = quick ? 10 : 60;
    const seed = Number(process.env.PROOF_SEED ?? Date.now() % 2 ** 31);
    log(`bad-input: seed ${seed} (PROOF_SEED=${seed} reruns these inputs)`);
    const sim = await startConsoleSim();
    let replica: Replica | undefined;
    try {
      const live = (replica = await proofReplica("bad-input", sim, log));
      const db = await getDb();
      const all = await person(db, "proof-bad-input@x.com", EVERY_ROLE);
      const ingest = await person(db, "proof-bad-input-ingest@x.com", ["ingest"]);
      const cookie = await sessionCookie(all.user.id);
      const { pod, ids: real, idsFor: realFor } = await demoDoorTargets(all.user, EVERY_ROLE, "proof: bad input");

      const cases: Case[] = [];
      const since = await simRequestSeq(sim);

      const callRoute = async (c: RouteCall) => {
        const ids = c.params;
        const url = c.door.template.replace(/\[(?:\.\.\.)?(\w+)\]/g, (_, k: string) =>
          [ids[k]]
            .flat()
            .map((v) => encodeURIComponent(wellFormed(String(v))))
            .join("/"),
        );
        const ingestDoor = c.door.template.startsWith("/api/v1/alerts") && c.door.method === "POST";
        const headers: Record<string, string> = { authorization: `Bearer ${ingestDoor ? ingest.token.token : all.token.token}` };
        if (c.body !== undefined) headers["content-type"] = c.contentType ?? "application/json";
        let status: number;
        let answer: string;
        let named = false;
        let fromRoute = false;
        try {
          const body = c.body instanceof ReadableStream ? c.body : (c.body as BodyInit | undefined);
          // A stream goes out chunked, without Content-Length; strings and bytes with it, as fetch sets it.
          const res = await fetch(`${live.base}${url}${queryString(c.query)}`, {
            method: c.door.method,
            headers,
            body,
            redirect: "manual",
            ...(c.body instanceof ReadableStream ? { duplex: "half" } : {}),
          } as RequestInit);
          status = res.status;
          const text = await res.text();
          let parsed: { error?: { code?: number; message?: string; fieldErrors?: Record<string, string[]> } } = {};
          try {
            parsed = JSON.parse(text);
          } catch {
            /* not every answer is JSON (the report, next-auth, Next's own pages) */
          }
          // route() answers every refusal as { error: { code, message } }; anything else came from a layer before it.
          fromRoute = parsed.error?.code === status;
          named = Object.keys(parsed.error?.fieldErrors ?? {}).length > 0;
          answer = `${status} ${show(parsed.error?.message ?? (fromRoute ? "" : text.slice(0, 80)))}${named ? ` ${show(parsed.error?.fieldErrors)}` : ""}`;
        } catch (e) {
          status = 599;
          answer = `no answer: ${(e as Error).message}`;
        }
        // Doors route() did not make (next-auth's own, the probes) take no input of ours to name.
        const defect = status >= 500 ? "5xx" : status === 400 && !named && !c.notJson && c.door.handler.door ? "unnamed 400" : undefined;
        cases.push({
          door: c.door.key,
          input: show({ params: ids, query: c.query, body: c.body instanceof Uint8Array ? "<bytes>" : c.body instanceof ReadableStream ? "<stream>" : c.body }),
          answer,
          status,
          beforeRoute: status >= 300 && !fromRoute && Boolean(c.door.handler.door),
          defect,
        });
      };

      const callAction = async (key: string, fn: (input: unknown) => Promise<ActionResultLike>, input: unknown) => {
        let r: ActionResultLike;
        try {
          r = await withRequest({ headers: { cookie }, cookies: Object.fromEntries([cookie.split(/=(.*)/s).slice(0, 2)]) }, () => fn(input));
        } catch (e) {
          r = { ok: false, message: `threw: ${(e as Error).message} (ref thrown)` };
        }
        // An unexpected failure reaches the caller only as a reference (safeError); a deliberate 5xx carries one too.
        const defect =
          !r.ok && /\(ref [^)]+\)$/.test(r.message ?? "")
            ? "5xx"
            : !r.ok && /highlighted fields/.test(r.message ?? "") && !r.fieldErrors
              ? "unnamed 400"
              : undefined;
        cases.push({ door: key, input: show(input), answer: r.ok ? "ok" : `${r.message}${r.fieldErrors ? ` ${show(r.fieldErrors)}` : ""}`, defect });
      };

      const routes = await routeDoors();
      let n = 0;
      const nextSeed = () => seed + n++;

      // Generated: every route door with a schema or params, from its own schemas.
      for (const door of routes) {
        const spec = door.handler.door;
        const realIds = realFor(door.template);
        const paramsArb = spec?.params ? fc.oneof(fc.constant(realIds), arbitraryOf(spec.params)) : fc.constant(realIds);
        const inputArb = spec?.schema ? arbitraryOf(spec.schema) : fc.jsonValue({ maxDepth: 3 });
        const samples = fc.sample(fc.tuple(paramsArb, inputArb), { numRuns: perDoor, seed: nextSeed() });
        for (const [p, input] of samples) {
          // Path segments are strings whatever was generated; a non-object is a wholly wrong path.
          const params =
            p && typeof p === "object" && !Array.isArray(p)
              ? Object.fromEntries(Object.entries({ ...realIds, ...p }).map(([k, v]) => [k, Array.isArray(v) ? v.map(segment) : segment(v)]))
              : realIds;
          if (BODYLESS.has(door.method)) await callRoute({ door, params, query: input });
          else await callRoute({ door, params, body: input === undefined ? undefined : JSON.stringify(input) });
        }
      }

      // Generated: each step's params schema, through plan (the door that reads them first) and approval requests.
      const plan = routes.find((r) => r.key === "POST /api/v1/incidents/[id]/steps/[stepId]/plan")!;
      const requestApproval = routes.find((r) => r.key === "POST /api/v1/incidents/[id]/steps/[stepId]/approvals")!;
      for (const step of listSteps().filter((s) => s.params)) {
        const samples = fc.sample(arbitraryOf(step.params as z.ZodType), { numRuns: quick ? 4 : 20, seed: nextSeed() });
        for (const [i, params] of samples.entries()) {
          await callRoute({ door: i % 2 ? requestApproval : plan, params: { ...real, stepId: step.id }, body: JSON.stringify({ params }) });
        }
      }

      // Generated: every server action, from its schema.
      for (const door of await actionDoors()) {
        const schema = door.fn.door?.schema;
        if (!schema) throw new Error(`${door.key} carries no schema (made without action()?)`);
        for (const input of fc.sample(arbitraryOf(schema), { numRuns: perDoor, seed: nextSeed() })) await callAction(door.key, door.fn, input);
      }
      const generated = cases.length;

      // The hand corpus.
      const byKey = (k: string) => routes.find((r) => r.key === k)!;
      const open = byKey("POST /api/v1/incidents");
      const posts = routes.filter((r) => r.method === "POST" && r.handler.door);
      const ingestDoors = routes.filter((r) => r.template.startsWith("/api/v1/alerts") && r.method === "POST" && !r.template.endsWith("/scc"));
      const nested = (d: number) => "[".repeat(d) + "]".repeat(d);
      const nestedObject = (d: number) => '{"a":'.repeat(d) + "1" + "}".repeat(d);
      const big = JSON.stringify({ title: "x".repeat(2 * 1024 * 1024) });
      for (const door of [...posts, ...ingestDoors]) {
        const params = realFor(door.template);
        await callRoute({ door, params, body: big });
        await callRoute({ door, params, body: new Blob([big]).stream() }); // no Content-Length announced
        await callRoute({ door, params, body: nested(100_000), notJson: false });
        await callRoute({ door, params, body: nestedObject(5_000) });
        await callRoute({ door, params, body: "title=x&pod=y", contentType: "application/x-www-form-urlencoded", notJson: true });
        await callRoute({ door, params, body: "not json", contentType: "text/plain", notJson: true });
        await callRoute({ door, params, body: "{", notJson: true });
        await callRoute({ door, params, body: Buffer.concat([Buffer.from('{"title":"'), Buffer.from([0xff, 0xfe, 0xc3, 0x28]), Buffer.from('"}')]) });
        await callRoute({ door, params, body: "1e400" });
        await callRoute({ door, params, body: "null" });
        await callRoute({ door, params, body: randomBytes(64), contentType: "application/octet-stream", notJson: true });
      }
      for (const name of HOSTILE_STRINGS) {
        await callRoute({ door: open, params: {}, body: JSON.stringify({ cluster: PAYMENTS, namespace: "shop", pod: name, title: `proof ${name}` }) });
        await callRoute({ door: open, params: {}, body: JSON.stringify({ cluster: name, namespace: name, pod: pod.name, title: "proof: bad name" }) });
      }
      for (const limit of ["NaN", "-1", "0", "1e308", "Infinity", "99999999999999999999", "1.5", "0x10", ""]) {
        await callRoute({ door: byKey("GET /api/v1/incidents"), params: {}, query: { limit } });
        await callRoute({ door: byKey("GET /api/v1/incidents/[id]/timeline"), params: real, query: { afterId: limit, limit } });
        await callRoute({ door: byKey("GET /api/v1/alerts"), params: {}, query: { limit } });
      }
      for (const labelSelector of ["app=web=evil", "app==", "=x", "app in (a,b", "a".repeat(400) + "=b", "app=we\nb", "!app=x"]) {
        await callRoute({ door: byKey("GET /api/v1/clusters/[cluster]/pods"), params: real, query: { labelSelector } });
      }
      const firewall = listSteps().find((s) => s.id === "firewall-isolate");
      for (const sshSourceRange of ["::/0", "0.0.0.0/0", "0.0.0.0/1", "128.0.0.0/1", "10.0.0.0/-1", "1.2.3.4/33", "::ffff:0.0.0.0/96", "1.2.3.4\n/32", "NaN"]) {
        if (firewall) await callRoute({ door: plan, params: { ...real, stepId: firewall.id }, body: JSON.stringify({ params: { sshSourceRange } }) });
      }

      const writes = await simWritesSince(sim, since);
      const defects = cases.filter((c) => c.defect);
      const fiveHundreds = defects.filter((c) => c.defect === "5xx");
      const unnamed = defects.filter((c) => c.defect === "unnamed 400");
      for (const d of defects.slice(0, 40)) log(`bad-input: ${d.defect} at ${d.door}: ${d.answer} ← ${d.input}`);
      for (const w of writes.slice(0, 20)) log(`bad-input: WRITE ${w}`);
      const statuses: Record<string, number> = {};
      const beforeRoute: Record<string, number> = {};
      for (const c of cases) if (c.status) statuses[c.status] = (statuses[c.status] ?? 0) + 1;
      for (const c of cases) if (c.beforeRoute) beforeRoute[c.status!] = (beforeRoute[c.status!] ?? 0) + 1;
      const layer = Object.entries(beforeRoute).map(([s, n]) => `${n}×${s}`);
      return {
        result: `${cases.length} inputs (${generated} generated, seed ${seed}): ${fiveHundreds.length}×≥500, ${writes.length} write(s), ${unnamed.length} unnamed 400(s); answered by Node or Next before route(): ${layer.join(", ") || "none"}`,
        met: generated >= 500 && fiveHundreds.length === 0 && writes.length === 0 && unnamed.length === 0,
        details: { seed, generated, total: cases.length, statuses, beforeRoute, writes, defects, cases: cases.slice(0, 2000) },
      };
    } finally {
      if (replica) await killReplicas([replica]);
      await sim.stop();
    }
  },
};
