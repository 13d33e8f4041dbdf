import { expect, it } from "vitest";
import { describeEachEngine } from "@/lib/store/testing";
import { HEARTBEAT_MS, LEASE_TTL_MS, heartbeat, leaveReplicas, liveReplicas, releaseLease, tryLease } from "./lease";

describeEachEngine("leases", ({ open }) => {
  it("grants a lease to exactly one of many replicas asking at once, renews it for its holder only", async () => {
    const db = await open();
    const now = Date.parse("2030-01-01T00:00:00Z");
    const asks = Array.from({ length: 20 }, (_, i) => tryLease(db, "reconcile", `r${i}`, 10_000, now));
    const granted = (await Promise.all(asks)).filter(Boolean);
    expect(granted).toHaveLength(1);
    const holder = (await db.selectFrom("leases").select("holder").where("name", "=", "reconcile").executeTakeFirstOrThrow()).holder;
    expect(await tryLease(db, "reconcile", holder, 10_000, now + 5_000)).toBe(true);
    expect(await tryLease(db, "reconcile", holder === "r1" ? "r2" : "r1", 10_000, now + 14_000)).toBe(false);
  });

  it("passes a lease on once it expired or was released", async () => {
    const db = await open();
    const now = Date.parse("2030-01-01T00:00:00Z");
    expect(await tryLease(db, "job", "a", 10_000, now)).toBe(true);
    expect(await tryLease(db, "job", "b", 10_000, now + 9_999)).toBe(false);
    expect(await tryLease(db, "job", "b", 10_000, now + 10_000)).toBe(true);
    expect(await tryLease(db, "job", "a", 10_000, now + 10_001)).toBe(false);
    await releaseLease(db, "job", "a"); // not a's to release any more
    expect(await tryLease(db, "job", "a", 10_000, now + 10_002)).toBe(false);
    await releaseLease(db, "job", "b");
    expect(await tryLease(db, "job", "a", 10_000, now + 10_003)).toBe(true);
  });

  it("counts a replica live until its heartbeat is LEASE_TTL_MS old or it leaves", async () => {
    const db = await open();
    const now = Date.parse("2030-01-01T00:00:00Z");
    await heartbeat(db, "pod-a", now);
    await heartbeat(db, "pod-b", now + 1_000);
    expect(await liveReplicas(db, now + LEASE_TTL_MS - 1)).toEqual(new Set(["pod-a", "pod-b"]));
    expect(await liveReplicas(db, now + LEASE_TTL_MS)).toEqual(new Set(["pod-b"]));
    await leaveReplicas(db, "pod-b");
    expect(await liveReplicas(db, now)).toEqual(new Set(["pod-a"]));
  });
});

it("promises a dead replica's runs to another within 30 s: its lease runs out, then the next pass reconciles", () => {
  expect(LEASE_TTL_MS + HEARTBEAT_MS).toBeLessThanOrEqual(30_000);
  expect(HEARTBEAT_MS * 2).toBeLessThan(LEASE_TTL_MS); // one missed heartbeat (a GC pause) does not make a live replica look dead
});
