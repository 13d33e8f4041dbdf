import { redirect } from "next/navigation";
import { afterEach, beforeEach, expect, it, vi } from "vitest";
import { z } from "zod";
import type { Caller } from "@/lib/auth";
import { HttpError } from "@/lib/http/errors";
import { captureLogsForTests } from "@/lib/observe/logger";
import { action } from "./safe-action";

const who = vi.hoisted(() => ({ caller: null as Caller | null }));
vi.mock("@/lib/auth", async (importOriginal) => ({
  ...(await importOriginal<typeof import("@/lib/auth")>()),
  getCaller: async () => who.caller,
}));

const analyst: Caller = { id: "u1", email: "a@x.com", name: null, roles: ["analyst"], via: "session" };
const lead: Caller = { ...analyst, id: "u2", roles: ["lead"] };

const schema = z.object({ name: z.string().min(1, "Name is required"), count: z.coerce.number().int().max(5) });
const ran = vi.fn();
const doThing = action({ schema, role: "lead" }, async (input, ctx) => {
  ran(input, ctx.caller.id);
  if (input.name === "missing") throw new HttpError(404, "Pod shop/missing not found");
  if (input.name === "forbidden") throw new HttpError(502, '"Cordon the node" failed: Cordoning n1: nodes "n1" is forbidden', { reason: "step-failed" });
  if (input.name === "boom") throw new Error("connect ECONNREFUSED postgres://airlock:hunter2@db/airlock");
  if (input.name === "away") redirect("/elsewhere");
  return { hello: input.name, count: input.count };
});

let logged: string[] = [];
let restoreLogs = () => {};
beforeEach(() => {
  ran.mockClear();
  const capture = captureLogsForTests();
  logged = capture.lines;
  restoreLogs = capture.restore;
});
afterEach(() => restoreLogs());
afterEach(() => vi.restoreAllMocks());

it("refuses anonymous callers and the wrong role before validating or running", async () => {
  who.caller = null;
  expect(await doThing({ name: "", count: 99 })).toEqual({ ok: false, message: expect.stringMatching(/sign in/i) });
  who.caller = analyst;
  expect(await doThing({ name: "x", count: 1 })).toEqual({ ok: false, message: "Your role does not allow this" });
  expect(ran).not.toHaveBeenCalled();
});

it("returns field errors for bad input without running", async () => {
  who.caller = lead;
  const r = await doThing({ name: "", count: 9 });
  expect(r.ok).toBe(false);
  if (!r.ok) expect(r.fieldErrors).toMatchObject({ name: ["Name is required"], count: [expect.any(String)] });
  expect(ran).not.toHaveBeenCalled();
});

it("runs with parsed input from an object, a FormData, or useActionState's (state, FormData)", async () => {
  who.caller = lead;
  expect(await doThing({ name: "a", count: 2 })).toEqual({ ok: true, data: { hello: "a", count: 2 } });
  const fd = new FormData();
  fd.set("name", "b");
  fd.set("count", "3");
  fd.set("$ACTION_ID_abc", "");
  expect(await doThing(fd)).toEqual({ ok: true, data: { hello: "b", count: 3 } });
  expect(await doThing(null, fd)).toEqual({ ok: true, data: { hello: "b", count: 3 } });
  expect(ran).toHaveBeenLastCalledWith({ name: "b", count: 3 }, "u2");
});

it("shows an HttpError's message but never raw exception text", async () => {
  who.caller = lead;
  expect(await doThing({ name: "missing", count: 1 })).toEqual({ ok: false, message: "Pod shop/missing not found" });
  const r = await doThing({ name: "boom", count: 1 });
  expect(r.ok).toBe(false);
  if (!r.ok) {
    expect(r.message).toMatch(/^Something went wrong \(ref [0-9a-f]{12}\)$/);
    expect(r.message).not.toMatch(/ECONNREFUSED|hunter2/);
    const ref = /ref ([0-9a-f]+)/.exec(r.message)![1];
    expect(logged.join("\n")).toContain(ref);
    expect(logged.join("\n")).toContain("ECONNREFUSED");
    expect(logged.join("\n")).not.toContain("hunter2");
  }
});

it("logs one line per call whose requestId is the reference the user was shown", async () => {
  who.caller = lead;
  const r = await doThing({ name: "boom", count: 1 });
  const ref = !r.ok && /ref ([0-9a-f]+)/.exec(r.message)![1];
  const requests = logged.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.msg === "request");
  expect(requests).toEqual([expect.objectContaining({ door: "action", requestId: ref, ok: false })]);
  logged.length = 0;
  expect((await doThing({ name: "fine", count: 1 })).ok).toBe(true);
  expect(logged.map((l) => JSON.parse(l))).toEqual([expect.objectContaining({ msg: "request", door: "action", ok: true })]);
});

it("shows a failed step's reason (a deliberate 502) as the API does, with the reference of its log line", async () => {
  who.caller = lead;
  const r = await doThing({ name: "forbidden", count: 1 });
  expect(r).toEqual({ ok: false, message: expect.stringMatching(/^"Cordon the node" failed: Cordoning n1: nodes "n1" is forbidden \(ref [0-9a-f]{12}\)$/) });
  if (!r.ok) expect(logged.join("\n")).toContain(/ref ([0-9a-f]+)/.exec(r.message)![1]);
});

it("lets redirect() through", async () => {
  who.caller = lead;
  await expect(doThing({ name: "away", count: 1 })).rejects.toThrow(/NEXT_REDIRECT/);
});

it("keeps its schema and role on the action, for npm run proof to generate bad input from", () => {
  const schema = z.object({ n: z.number() });
  expect(action({ schema, role: "approver" }, async () => 1).door).toEqual({ schema, role: "approver" });
});
