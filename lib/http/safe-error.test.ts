import { afterEach, beforeEach, expect, it, vi } from "vitest";
import { captureLogsForTests } from "@/lib/observe/logger";
import { HttpError } from "./errors";
import { safeError } from "./safe-error";

let logged: string[] = [];
let restoreLogs = () => {};
beforeEach(() => {
  const capture = captureLogsForTests();
  logged = capture.lines;
  restoreLogs = capture.restore;
});
afterEach(() => restoreLogs());
afterEach(() => vi.restoreAllMocks());

const stepFailed = () => new HttpError(502, '"Cordon the node" failed: Cordoning gke-node-1: nodes "gke-node-1" is forbidden', { reason: "step-failed" });

it("shows a 4xx HttpError's message, field errors and reason, and logs nothing", () => {
  const err = new HttpError(400, "Type the pod's name to confirm", { fieldErrors: { confirm: ["must be exactly p"] }, reason: "confirmation" });
  for (const door of ["route", "action"] as const) {
    expect(safeError(err, "r1", { door })).toEqual({
      status: 400,
      message: "Type the pod's name to confirm",
      fieldErrors: { confirm: ["must be exactly p"] },
      reason: "confirmation",
    });
  }
  expect(logged).toEqual([]);
});

it("shows a failed step's reason identically through both doors, with the reference of its log line", () => {
  const viaRoute = safeError(stepFailed(), "abc123", { door: "route" });
  const viaAction = safeError(stepFailed(), "abc123", { door: "action" });
  expect(viaRoute).toEqual({
    status: 502,
    message: '"Cordon the node" failed: Cordoning gke-node-1: nodes "gke-node-1" is forbidden (ref abc123)',
    reason: "step-failed",
    ref: "abc123",
  });
  expect(viaAction).toEqual(viaRoute);
  expect(logged).toHaveLength(2);
  expect(JSON.parse(logged[0])).toMatchObject({ ref: "abc123", door: "route", error: { name: "HttpError" } });
});

it("hides anything else behind the reference and logs it in full, redacted", () => {
  const err = new Error("connect ECONNREFUSED postgres://airlock:hunter2@db/airlock");
  const viaRoute = safeError(err, "feed01", { door: "route", method: "POST", path: "/api/v1/x" });
  const viaAction = safeError(err, "feed02", { door: "action" });
  expect(viaRoute).toEqual({ status: 500, message: "Internal error (ref feed01)", ref: "feed01" });
  expect(viaAction).toEqual({ status: 500, message: "Something went wrong (ref feed02)", ref: "feed02" });
  const log = logged.join("\n");
  expect(log).toContain("feed01");
  expect(log).toContain("feed02");
  expect(log).toContain("ECONNREFUSED");
  expect(log).not.toContain("hunter2");
  expect(JSON.parse(logged[0])).toMatchObject({ door: "route", method: "POST", path: "/api/v1/x" });
});

it("treats an HttpError outside 4xx/5xx and non-Error throws as unexpected", () => {
  expect(safeError(new HttpError(302, "moved"), "r2", { door: "action" })).toEqual({ status: 500, message: "Something went wrong (ref r2)", ref: "r2" });
  expect(safeError("a thrown string", "r3", { door: "route" })).toEqual({ status: 500, message: "Internal error (ref r3)", ref: "r3" });
  expect(logged).toHaveLength(2);
});

it("redacts a credential an upstream answer put in a deliberate message", () => {
  const err = new HttpError(502, "Creating rule: upstream said token=abcdefghijkl");
  const shown = safeError(err, "r4", { door: "action" });
  expect(shown.message).not.toContain("abcdefghijkl");
  expect(shown.message).toMatch(/^Creating rule: upstream said token=\*\*\* \(ref r4\)$/);
});
