import { describe, expect, it } from "vitest";
import { describeEachEngine } from "@/lib/store/testing";
import type { StepRunRow } from "./db";
import { finishRun, latestSucceeded, listRuns, markUndone, recordRunInEffect, runInEffect, startRun, tookEffect } from "./runs";

describeEachEngine("step runs (one running per incident and step)", ({ open }) => {
  it("allows one running run per (incident, step), released when it finishes", async () => {
    const db = await open();
    await db
      .insertInto("incidents")
      .values({
        id: "i1",
        title: "t",
        severity: "high",
        status: "open",
        cluster: "c",
        namespace: "n",
        pod: "p",
        targets: "{}",
        created_by: "a",
        created_at: new Date().toISOString(),
      })
      .execute();
    const base = { incidentId: "i1", stepId: "cordon-node", operation: "execute" as const, planHash: "h", params: {}, actor: "a", role: "analyst" };
    const results = await Promise.allSettled([startRun(db, base), startRun(db, base)]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const refused = results.find((r) => r.status === "rejected") as PromiseRejectedResult;
    expect(refused.reason).toMatchObject({ status: 409, reason: "already-running" });
    // Another step of the same incident is not held up.
    const other = await startRun(db, { ...base, stepId: "label-quarantine" });

    const first = (results.find((r) => r.status === "fulfilled") as PromiseFulfilledResult<{ id: string }>).value;
    expect(await finishRun(db, first.id, { status: "succeeded", message: "ok", record: { a: 1 } })).toBe(true);
    expect(await finishRun(db, first.id, { status: "failed", message: "late" })).toBe(false);
    const second = await startRun(db, base);
    await finishRun(db, second.id, { status: "noop", message: "already" });
    await finishRun(db, other.id, { status: "failed", message: "x" });

    const runs = await listRuns(db, "i1");
    expect(latestSucceeded(runs, "cordon-node")?.id).toBe(first.id);
    await markUndone(db, first.id);
    expect(latestSucceeded(await listRuns(db, "i1"), "cordon-node")).toBeUndefined();
  });
});

it("a step has taken effect when an execution succeeded or was already done after its last undo", () => {
  const run = (operation: "execute" | "undo", status: StepRunRow["status"]): StepRunRow => ({
    id: `${operation}-${status}`,
    incident_id: "i1",
    step_id: "snapshot-node-disk",
    operation,
    status,
    plan_hash: "h",
    params: "{}",
    record: null,
    message: null,
    actor: "a",
    role: null,
    started_at: "",
    finished_at: null,
  });
  expect(tookEffect([], "snapshot-node-disk")).toBe(false);
  expect(tookEffect([run("execute", "failed")], "snapshot-node-disk")).toBe(false);
  expect(tookEffect([run("execute", "succeeded")], "snapshot-node-disk")).toBe(true);
  expect(tookEffect([run("execute", "noop")], "snapshot-node-disk")).toBe(true);
  expect(tookEffect([run("execute", "undone"), run("execute", "noop"), run("undo", "succeeded")], "snapshot-node-disk")).toBe(false);
  expect(tookEffect([run("execute", "succeeded")], "cordon-node")).toBe(false);
});

describe("the run in effect and the record undo restores from", () => {
  let n = 0;
  const run = (operation: "execute" | "undo", status: StepRunRow["status"], record: unknown = null): StepRunRow => ({
    id: `r${++n}`,
    incident_id: "i1",
    step_id: "cordon-node",
    operation,
    status,
    plan_hash: "h",
    params: "{}",
    record: record === null ? null : JSON.stringify(record),
    message: null,
    actor: "a",
    role: null,
    started_at: "",
    finished_at: null,
  });
  const ids = (runs: StepRunRow[]) => ({ inEffect: runInEffect(runs, "cordon-node")?.id, record: recordRunInEffect(runs, "cordon-node")?.id });

  it("a noop after a run that failed after storing its record is in effect, with that record when the noop stored none", () => {
    const failed = run("execute", "failed", { cordonedByAirlock: true });
    const noop = run("execute", "noop");
    expect(ids([failed, noop])).toEqual({ inEffect: noop.id, record: failed.id });
    const noopWithRecord = run("execute", "noop", { cordonedByAirlock: true });
    expect(ids([failed, noopWithRecord])).toEqual({ inEffect: noopWithRecord.id, record: noopWithRecord.id });
  });

  it("a noop alone, or after a run that failed before storing a record, found the state as it was: nothing in effect", () => {
    expect(ids([run("execute", "noop", { cordonedByAirlock: false })])).toEqual({ inEffect: undefined, record: undefined });
    expect(ids([run("execute", "failed"), run("execute", "noop", { cordonedByAirlock: false })])).toEqual({ inEffect: undefined, record: undefined });
  });

  it("a run that failed after storing its record may have made its change: release lists it (its undo plan reads what is there); the next run builds on its record", () => {
    const failed = run("execute", "failed", { cordonedByAirlock: true });
    expect(ids([failed])).toEqual({ inEffect: failed.id, record: failed.id });
    expect(ids([run("execute", "noop", { cordonedByAirlock: false }), failed])).toEqual({ inEffect: failed.id, record: failed.id });
    expect(ids([run("execute", "failed")])).toEqual({ inEffect: undefined, record: undefined });
    const ok = run("execute", "succeeded", { cordonedByAirlock: true });
    expect(ids([failed, ok])).toEqual({ inEffect: ok.id, record: ok.id });
  });

  it("the latest success stays in effect through later noops; an undo that took effect ends it", () => {
    const ok = run("execute", "succeeded", { cordonedByAirlock: true });
    const noop = run("execute", "noop", { cordonedByAirlock: true });
    expect(ids([ok, noop])).toEqual({ inEffect: ok.id, record: noop.id });
    const failed = run("execute", "failed", { cordonedByAirlock: true });
    expect(ids([failed, run("execute", "undone"), run("undo", "succeeded"), run("execute", "noop")])).toEqual({ inEffect: undefined, record: undefined });
    expect(ids([ok, run("undo", "failed")])).toEqual({ inEffect: ok.id, record: ok.id });
  });
});
