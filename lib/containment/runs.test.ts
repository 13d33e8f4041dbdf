import { expect, it } from "vitest";
import { describeEachEngine } from "@/lib/store/testing";
import type { StepRunRow } from "./db";
import { finishRun, latestSucceeded, listRuns, markUndone, startRun, tookEffect } from "./runs";

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
