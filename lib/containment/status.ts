import "server-only";
import { appendEntry } from "@/lib/audit/append";
import type { Db } from "@/lib/store";
import { type StepRunRow } from "./db";
import { timelineTargets } from "./incidents";
import { listRuns } from "./runs";
import { getStep } from "./registry";
import type { Incident, IncidentTargets, StageId, StepDefinition } from "./types";

type Status = Incident["status"];

/** Stages whose changes cut the workload off: one of them taking effect contains the incident. */
const ISOLATING_STAGES: ReadonlySet<StageId> = new Set<StageId>(["isolate", "network", "node-network"]);

/** A probe in the network stage changes nothing, so only steps that change something isolate. */
export function isolates(step: Pick<StepDefinition, "stage" | "risk">): boolean {
  return ISOLATING_STAGES.has(step.stage) && step.risk !== "read-only";
}

/** Steps whose effect is still in place and that release could undo (what releasePlan lists). */
export function outstandingReversible(runs: StepRunRow[], lookup: (id: string) => Pick<StepDefinition, "undo"> | undefined = getStep): string[] {
  const ids = new Set<string>();
  for (const r of runs) if (r.operation === "execute" && r.status === "succeeded" && lookup(r.step_id)?.undo) ids.add(r.step_id);
  return [...ids];
}

export type RunEvent = { operation: "execute" | "undo"; outcome: "success" | "noop"; step: Pick<StepDefinition, "stage" | "risk"> };

/**
 * The status an incident moves to after a run, or null to stay. A closed incident never moves;
 * a released one is contained again by a new isolating step; release completes only when the
 * last reversible effect is undone, whichever step that was.
 */
export function nextStatus(current: Status, event: RunEvent, outstanding: string[]): Status | null {
  if (current === "closed") return null;
  if (event.operation === "execute") {
    return event.outcome === "success" && isolates(event.step) && current !== "contained" ? "contained" : null;
  }
  return current === "contained" && outstanding.length === 0 ? "released" : null;
}

export type StatusCause = { stepId: string; runId: string; actor: string; role: string | null; targets: IncidentTargets };

/**
 * Moves the incident after a finished run and logs `status-changed`. Reads status and runs fresh
 * and updates only if the status is still the one it read, so two steps finishing together
 * cannot both log a change (the loser re-reads and usually finds nothing left to do).
 */
export async function settleStatus(db: Db, incidentId: string, event: RunEvent, cause: StatusCause): Promise<Status | null> {
  for (let attempt = 0; attempt < 3; attempt++) {
    const row = await db.selectFrom("incidents").select("status").where("id", "=", incidentId).executeTakeFirst();
    if (!row) return null;
    const from = row.status as Status;
    const to = nextStatus(from, event, outstandingReversible(await listRuns(db, incidentId)));
    if (!to) return null;
    const res = await db.updateTable("incidents").set({ status: to }).where("id", "=", incidentId).where("status", "=", from).executeTakeFirst();
    if (Number(res.numUpdatedRows) === 0) continue;
    await appendEntry(db, {
      actor: cause.actor,
      role: cause.role,
      incidentId,
      stepId: cause.stepId,
      kind: "status-changed",
      targets: timelineTargets(cause.targets),
      details: { from, to, runId: cause.runId, operation: event.operation },
    });
    return to;
  }
  return null;
}
