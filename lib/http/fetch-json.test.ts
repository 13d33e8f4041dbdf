import { expect, it } from "vitest";
import { ApiError, shouldRetry } from "./fetch-json";

it("never retries auth failures and caps other retries at two", () => {
  expect(shouldRetry(0, new ApiError(401, "x"))).toBe(false);
  expect(shouldRetry(0, new ApiError(403, "x"))).toBe(false);
  expect(shouldRetry(0, new ApiError(404, "x"))).toBe(false);
  expect(shouldRetry(0, new ApiError(503, "x"))).toBe(true);
  expect(shouldRetry(1, new Error("network"))).toBe(true);
  expect(shouldRetry(2, new ApiError(503, "x"))).toBe(false);
});
