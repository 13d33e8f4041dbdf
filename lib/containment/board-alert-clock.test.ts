import { afterAll, beforeAll, expect, it } from "vitest";
import { appendEntry } from "@/lib/audit/append";
import type { Db } from "@/lib/store";
import { ISOLATION_VERIFIED, recordedTimeToContain } from "./board";
import { caller, freshDb, givenIncident } from "./testing";

// Time to contain starts at the attack, not at the paperwork: with alerts, from the earliest
// alert's event time to the isolation-verified entry; without, from the incident's opening.

let db: Db;
let close: () => Promise<void>;
beforeAll(async () => {
  ({ db, close } = await freshDb());
});
afterAll(async () => close?.());

const at = (iso: string, seconds: number) => new Date(Date.parse(iso) + seconds * 1000).toISOString();

async function alertOn(incidentId: string, firstSeen: string): Promise<void> {
  await db
    .insertInto("alerts")
    .values({
      id: crypto.randomUUID(),
      source: "falco",
      cluster: "c",
      namespace: "shop",
      pod: "p",
      rule: `rule ${firstSeen}`,
      severity: "critical",
      title: "t",
      mitre_tactic: null,
      first_seen: firstSeen,
      last_seen: firstSeen,
      count: 1,
      incident_id: incidentId,
      details: "{}",
      created_at: firstSeen,
    })
    .execute();
}

it("measures from the earliest alert's event time to the first isolation-verified entry", async () => {
  const by = caller("ana@x.com", "analyst");
  const withAlerts = await givenIncident(by);
  const without = await givenIncident(by);
  await alertOn(withAlerts.id, at(withAlerts.createdAt, -30));
  await alertOn(withAlerts.id, at(withAlerts.createdAt, -90));
  for (const i of [withAlerts, without]) {
    await appendEntry(db, { actor: "airlock", incidentId: i.id, kind: ISOLATION_VERIFIED, details: { layer: "pod-ingress" }, at: at(i.createdAt, 60) });
  }
  const clocks = await recordedTimeToContain(db, [withAlerts, without]);
  expect(clocks.get(withAlerts.id)).toMatchObject({ openedFrom: "alert", openedAt: at(withAlerts.createdAt, -90), seconds: 150 });
  expect(clocks.get(without.id)).toMatchObject({ openedFrom: "incident", openedAt: without.createdAt, seconds: 60 });
});
