import { describe, expect, it } from "vitest";
import { ApiException } from "@kubernetes/client-node";
import { isTransient, statusOf, withRetry } from "./retry";

const noSleep = async () => {};

function sysErr(code: string): Error {
  return Object.assign(new Error(`connect ${code}`), { code });
}

describe("withRetry", () => {
  it("retries throttling and server errors, then succeeds", async () => {
    let calls = 0;
    const out = await withRetry(
      async () => {
        calls++;
        if (calls === 1) throw new ApiException(429, "x", "", {});
        if (calls === 2) throw new ApiException(503, "x", "", {});
        return "ok";
      },
      { sleep: noSleep },
    );
    expect(out).toBe("ok");
    expect(calls).toBe(3);
  });

  it("gives up after the attempt budget and rethrows the last error", async () => {
    let calls = 0;
    await expect(
      withRetry(
        async () => {
          calls++;
          throw sysErr("ECONNRESET");
        },
        { attempts: 3, sleep: noSleep },
      ),
    ).rejects.toMatchObject({ code: "ECONNRESET" });
    expect(calls).toBe(3);
  });

  it("does not retry client errors or refused connections", async () => {
    for (const err of [new ApiException(404, "x", "", {}), new ApiException(403, "x", "", {}), sysErr("ECONNREFUSED")]) {
      let calls = 0;
      await expect(
        withRetry(
          async () => {
            calls++;
            throw err;
          },
          { sleep: noSleep },
        ),
      ).rejects.toBe(err);
      expect(calls).toBe(1);
    }
  });

  it("keeps waits within the ceiling and honours Retry-After up to it", async () => {
    const waits: number[] = [];
    await expect(
      withRetry(
        async () => {
          throw new ApiException(429, "x", "", { "retry-after": "60" });
        },
        { attempts: 3, maxMs: 500, sleep: async (ms) => void waits.push(ms) },
      ),
    ).rejects.toBeInstanceOf(ApiException);
    expect(waits).toEqual([500, 500]);
  });

  it("treats gRPC UNAVAILABLE from Google clients as transient and NOT_FOUND as final", () => {
    expect(isTransient(Object.assign(new Error("14 UNAVAILABLE"), { code: 14 }))).toBe(true);
    expect(isTransient(Object.assign(new Error("5 NOT_FOUND"), { code: 5 }))).toBe(false);
  });
});

describe("statusOf", () => {
  it("reads the Google REST fallback's real HTTP status before its gRPC code", () => {
    // 412 conditionNotMet (stale tag fingerprint) arrives as gRPC 9 FAILED_PRECONDITION.
    expect(statusOf({ code: 9, httpStatusCode: 412 })).toBe(412);
    expect(statusOf({ code: 10, httpStatusCode: 409 })).toBe(409);
  });

  it("falls back to the gRPC code when no HTTP status is present", () => {
    expect(statusOf({ code: 5 })).toBe(404);
  });
});
