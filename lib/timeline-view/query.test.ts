import { afterAll, beforeAll, expect, it } from "vitest";
import { appendEntry } from "@/lib/audit/append";
import { caller, freshDb, givenIncident } from "@/lib/containment/testing";
import type { Incident } from "@/lib/containment/types";
import type { Db } from "@/lib/store";
import { queryTimeline, timelineFilters } from "./query";

let db: Db;
let close: () => Promise<void>;
let a: Incident;
let b: Incident;

const q = (f: Record<string, unknown>) => queryTimeline(db, timelineFilters.parse(f));
const ids = async (f: Record<string, unknown>) => (await q(f)).items.map((e) => `${e.kind}:${e.stepId ?? ""}:${e.outcome ?? ""}`);

beforeAll(async () => {
  ({ db, close } = await freshDb());
  a = await givenIncident(caller("ana@x.com", "analyst"));
  b = await givenIncident(caller("bob@x.com", "analyst"));
  const at = (m: number) => `2030-01-01T00:${String(m).padStart(2, "0")}:00.000Z`;
  const add = (incidentId: string, actor: string, kind: string, stepId: string | null, details: Record<string, unknown>, minute: number) =>
    appendEntry(db, { actor, role: "analyst", incidentId, stepId, kind, details, at: at(minute) });
  await add(a.id, "ana@x.com", "result", "cordon-node", { outcome: "success", message: "cordoned" }, 1);
  await add(a.id, "ana@x.com", "verify", "cordon-node", { holds: true, message: "unschedulable" }, 2);
  await add(a.id, "ana@x.com", "result", "label-quarantine", { outcome: "failure", message: "forbidden" }, 3);
  await add(b.id, "bob@x.com", "result", "cordon-node", { outcome: "noop", message: "already" }, 4);
  await add(b.id, "bob@x.com", "verify", "cordon-node", { holds: false, message: "schedulable", params: { outcome: "success" } }, 5);
  await add(b.id, "bob@x.com", "plan", "apply-deny-all", { blocked: "no enforcement" }, 6);
});
afterAll(async () => close());

it("lists newest first across incidents with each incident's title", async () => {
  const page = await q({ from: "2030-01-01T00:00:00Z" });
  expect(page.items.map((e) => e.at.slice(14, 16))).toEqual(["06", "05", "04", "03", "02", "01"]);
  expect(page.items[0].incidentTitle).toBe(b.title);
  expect(page.next).toBeNull();
});

it("filters by incident, actor, step, kind and time", async () => {
  expect(await ids({ incidentId: a.id, kind: "result" })).toEqual(["result:label-quarantine:failure", "result:cordon-node:success"]);
  expect(await ids({ actor: "bob@x.com", from: "2030-01-01" })).toEqual([
    "plan:apply-deny-all:blocked",
    "verify:cordon-node:not-holding",
    "result:cordon-node:noop",
  ]);
  expect(await ids({ stepId: "cordon-node", from: "2030-01-01T00:02:00Z", to: "2030-01-01T00:04:00" })).toEqual([
    "result:cordon-node:noop",
    "verify:cordon-node:holds",
  ]);
});

it("filters by outcome exactly, not by a matching word deeper in the details", async () => {
  expect(await ids({ outcome: "success" })).toEqual(["result:cordon-node:success"]);
  expect(await ids({ outcome: "not-holding" })).toEqual(["verify:cordon-node:not-holding"]);
  expect(await ids({ outcome: "blocked" })).toEqual(["plan:apply-deny-all:blocked"]);
});

it("pages with the next cursor until the filter is exhausted", async () => {
  const first = await q({ from: "2030-01-01", limit: 4 });
  expect(first.items).toHaveLength(4);
  expect(first.next).toBe(first.items[3].id);
  const second = await q({ from: "2030-01-01", limit: 4, before: first.next });
  expect(second.items.map((e) => e.at.slice(14, 16))).toEqual(["02", "01"]);
  expect(second.next).toBeNull();
});

it("rejects bad filters before querying", () => {
  const bad = timelineFilters.safeParse({ outcome: "great", from: "yesterday-ish", limit: "0", stepId: "Bad Step" });
  expect(bad.success).toBe(false);
  expect(bad.error?.issues.map((i) => i.path[0]).sort()).toEqual(["from", "limit", "outcome", "stepId"]);
  expect(timelineFilters.parse({ incidentId: "", actor: "" })).toEqual({ limit: 100 });
});
