import { afterAll, beforeAll, expect, it, vi } from "vitest";
import { listEntries } from "@/lib/audit/append";
import type { Caller } from "@/lib/auth";
import { caller, freshDb, givenIncident } from "@/lib/containment/testing";
import type { Db } from "@/lib/store";
import { getReview } from "@/lib/timeline-view/review";
import { addCommentAction } from "./add-comment";
import { markReviewedAction } from "./mark-reviewed";

const who = vi.hoisted(() => ({ caller: null as Caller | null }));
vi.mock("@/lib/auth", async (importOriginal) => ({
  ...(await importOriginal<typeof import("@/lib/auth")>()),
  getCaller: async () => who.caller,
}));
vi.mock("next/cache", () => ({ revalidatePath: () => {} }));

let db: Db;
let close: () => Promise<void>;
const analyst = caller("analyst@x.com", "analyst");
const lead = caller("lead@x.com", "lead");

beforeAll(async () => ({ db, close } = await freshDb()));
afterAll(async () => close());

function form(fields: Record<string, string>): FormData {
  const fd = new FormData();
  for (const [k, v] of Object.entries(fields)) fd.set(k, v);
  return fd;
}

it("checks the caller and the lead role in each action, whatever the page showed", async () => {
  const inc = await givenIncident(analyst);
  const [entry] = await listEntries(db, { incidentId: inc.id });
  who.caller = null;
  expect(await markReviewedAction({ id: inc.id })).toMatchObject({ ok: false, message: expect.stringMatching(/sign in/i) });
  who.caller = analyst;
  expect(await markReviewedAction({ id: inc.id })).toEqual({ ok: false, message: "Your role does not allow this" });
  expect(await addCommentAction(null, form({ id: inc.id, entryId: String(entry.id), text: "hi" }))).toEqual({
    ok: false,
    message: "Your role does not allow this",
  });
  expect(await getReview(inc.id)).toBeNull();
});

it("lets a lead comment on an entry and mark the incident reviewed from forms", async () => {
  const inc = await givenIncident(analyst);
  const [entry] = await listEntries(db, { incidentId: inc.id });
  who.caller = lead;
  const bad = await addCommentAction(null, form({ id: inc.id, entryId: "", text: " " }));
  expect(bad).toMatchObject({ ok: false, fieldErrors: { entryId: expect.any(Array), text: expect.any(Array) } });
  const ok = await addCommentAction(null, form({ id: inc.id, entryId: String(entry.id), text: "Alert matched the miner signature." }));
  expect(ok).toMatchObject({ ok: true, data: { entryId: expect.any(Number) } });
  const reviewed = await markReviewedAction(null, form({ id: inc.id, note: "" }));
  expect(reviewed).toMatchObject({ ok: true, data: { reviewedBy: "lead@x.com" } });
  expect(await markReviewedAction(null, form({ id: inc.id }))).toMatchObject({ ok: false, message: expect.stringMatching(/^Already reviewed by lead@x.com/) });
  const kinds = (await listEntries(db, { incidentId: inc.id })).map((e) => e.kind);
  expect(kinds).toEqual(["incident-opened", "comment", "incident-reviewed"]);
});
