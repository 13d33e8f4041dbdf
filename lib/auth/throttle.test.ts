import { expect, it } from "vitest";
import { describeEachEngine } from "@/lib/store/testing";
import { clientAddress, signInThrottle } from "./throttle";

const LIMITS = { perAccount: 3, perAddress: 5, windowSeconds: 600 };

describeEachEngine("sign-in throttling", ({ open }) => {
  it("refuses an account after its failures, whatever the address, until a success clears it", async () => {
    const db = await open();
    const t = signInThrottle(db, LIMITS);
    const from = (address: string) => ({ email: "Alice@x.com", address });
    for (let i = 0; i < 3; i++) {
      expect(await t.retryAfter(from(`10.0.0.${i}`))).toBe(0);
      await t.failed(from(`10.0.0.${i}`));
    }
    const wait = await t.retryAfter(from("10.0.0.99"));
    expect(wait).toBeGreaterThan(590);
    expect(wait).toBeLessThanOrEqual(600);
    expect(await t.retryAfter({ email: "bob@x.com", address: "10.0.0.99" })).toBe(0);
    // Counted in the database: a second limiter on the same database (another replica) sees it.
    expect(await signInThrottle(db, LIMITS).retryAfter({ email: "alice@x.com", address: undefined })).toBeGreaterThan(0);
    await t.succeeded(from("10.0.0.1"));
    expect(await t.retryAfter(from("10.0.0.1"))).toBe(0);
    expect(await db.selectFrom("sign_in_throttle").select("key").execute()).not.toHaveLength(0);
  });

  it("refuses an address that fails across many accounts", async () => {
    const db = await open();
    const t = signInThrottle(db, LIMITS);
    for (let i = 0; i < 5; i++) await t.failed({ email: `user${i}@x.com`, address: "192.0.2.7" });
    expect(await t.retryAfter({ email: "fresh@x.com", address: "192.0.2.7" })).toBeGreaterThan(0);
    expect(await t.retryAfter({ email: "fresh@x.com", address: "192.0.2.8" })).toBe(0);
  });
});

it("reads the client address the nearest proxy appended", () => {
  expect(clientAddress({ "x-forwarded-for": "203.0.113.9, 10.1.2.3" })).toBe("10.1.2.3");
  expect(clientAddress(new Headers({ "x-forwarded-for": "::1" }))).toBe("::1");
  expect(clientAddress({})).toBeUndefined();
  expect(clientAddress(undefined)).toBeUndefined();
});
