import { afterAll, beforeAll, expect, it } from "vitest";
import { listEntries } from "@/lib/audit/append";
import { verifyChain } from "@/lib/audit/verify";
import { caller, freshDb, givenIncident } from "@/lib/containment/testing";
import type { Db } from "@/lib/store";
import { addComment, listComments } from "./comments";
import { getReview, markReviewed } from "./review";

let db: Db;
let close: () => Promise<void>;
const analyst = caller("analyst@x.com", "analyst");
const lead = caller("lead@x.com", "lead");
const approver = caller("approver@x.com", "approver");

beforeAll(async () => ({ db, close } = await freshDb()));
afterAll(async () => close());

it("lets a lead comment on an entry of the incident, as a chained comment entry", async () => {
  const inc = await givenIncident(analyst);
  const [opened] = await listEntries(db, { incidentId: inc.id });
  const c = await addComment(lead, inc.id, { entryId: opened.id, text: "  Opened from the alert, as expected.  " });
  expect(c).toMatchObject({
    kind: "comment",
    actor: lead.email,
    role: "lead",
    incidentId: inc.id,
    details: { entryId: opened.id, onKind: "incident-opened", text: "Opened from the alert, as expected." },
  });
  expect((await listComments(inc.id)).map((e) => e.id)).toEqual([c.id]);
  expect((await verifyChain(db)).ok).toBe(true);
});

it("refuses comments from non-leads and on entries of another incident", async () => {
  const inc = await givenIncident(analyst);
  const other = await givenIncident(analyst);
  const [entry] = await listEntries(db, { incidentId: inc.id });
  const [foreign] = await listEntries(db, { incidentId: other.id });
  await expect(addComment(analyst, inc.id, { entryId: entry.id, text: "hi" })).rejects.toMatchObject({ status: 403 });
  await expect(addComment(approver, inc.id, { entryId: entry.id, text: "hi" })).rejects.toMatchObject({ status: 403 });
  await expect(addComment(lead, inc.id, { entryId: foreign.id, text: "hi" })).rejects.toMatchObject({ status: 404 });
  await expect(addComment(lead, "no-such-incident", { entryId: entry.id, text: "hi" })).rejects.toMatchObject({ status: 404 });
});

it("marks an incident reviewed once: an entry naming the last entry seen, and the flag", async () => {
  const inc = await givenIncident(analyst);
  await expect(markReviewed(analyst, inc.id)).rejects.toMatchObject({ status: 403 });
  expect(await getReview(inc.id)).toBeNull();
  const before = await listEntries(db, { incidentId: inc.id });
  const r = await markReviewed(lead, inc.id, { note: "contained, evidence complete" });
  expect(r).toMatchObject({ incidentId: inc.id, reviewedBy: lead.email, note: "contained, evidence complete" });
  const entries = await listEntries(db, { incidentId: inc.id });
  expect(entries.at(-1)).toMatchObject({
    id: r.entryId,
    kind: "incident-reviewed",
    details: { lastEntryId: before.at(-1)!.id, lastEntryHash: before.at(-1)!.hash },
  });
  expect(await getReview(inc.id)).toEqual(r);
  await expect(markReviewed(lead, inc.id)).rejects.toMatchObject({ status: 409, reason: "already-reviewed" });
});
