import "server-only";
import { appendEntry } from "@/lib/audit/append";
import type { Caller } from "@/lib/auth/roles";
import type { AutoRunbook } from "@/lib/config";
import { requireIncident, roleLabel, timelineTargets } from "@/lib/containment/incidents";
import { executeRunbook, planRunbook, type RunbookResult } from "@/lib/containment/runbooks/engine";
import { isHttpError } from "@/lib/http/errors";
import { logError, newRef } from "@/lib/http/log";
import { processSingleton } from "@/lib/process-singleton";
import { getDb } from "@/lib/store";

// ALERT_AUTO_RUNBOOK: on an incident policy opened, once its evidence is collected, the policy's
// actor plans and runs the runbook through the runbook engine exactly as a person would (one
// plan, its hash, the pod's name as the confirmation the setting stands for), so every step
// lands on the timeline as itself. No approval is waived: a gated step stops the run
// "awaiting approval" and an approver takes it from there.
//
// It runs after the alert is answered: the runbook waits out the NetworkPolicy propagation
// window (minutes by default) and an alert sender such as Falcosidekick gives up after seconds.
// A plain promise rather than next/server's after(), which only works inside a request scope,
// and the tests and bench:contain call the route handler or the intake in-process.

export type AutoRunOutcome = RunbookResult | { runbookId: string; incidentId: string; state: "refused"; message: string };

const running = processSingleton("alert-auto-runbooks", () => new Map<string, Promise<AutoRunOutcome>>());

async function run(actor: Caller, incidentId: string, runbookId: AutoRunbook): Promise<AutoRunOutcome> {
  try {
    const incident = await requireIncident(incidentId);
    const plan = await planRunbook(actor, incidentId, runbookId);
    return await executeRunbook(actor, incidentId, runbookId, { planHash: plan.planHash, confirm: incident.targets.pod }, {});
  } catch (err) {
    // A refusal (blocked, plan changed between plan and execute) is already on the timeline as "refused".
    if (isHttpError(err)) return { runbookId, incidentId, state: "refused", message: err.message };
    const ref = newRef();
    logError(ref, err, { phase: "alert-auto-runbook", incident: incidentId, runbook: runbookId });
    // The engine closed the runbook's timeline entry ("end", failed) before the error reached here.
    const message = `The runbook stopped on an internal error (ref ${ref}); see the steps' own entries for what ran.`;
    return { runbookId, incidentId, state: "refused", message };
  }
}

/** Starts the runbook for an incident and returns at once; a second start for the same incident joins the first. */
export function startAutoRunbook(actor: Caller, incidentId: string, runbookId: AutoRunbook): void {
  if (running.has(incidentId)) return;
  running.set(incidentId, run(actor, incidentId, runbookId));
  // Outcomes are kept to be read after the fact (they are also on the timeline); only the latest few.
  while (running.size > KEPT) running.delete(running.keys().next().value!);
}

const KEPT = 100;

/** When an incident's auto-run ends, and how; undefined when policy started none for it. For the tests and bench:contain. */
export function autoRunbookSettled(incidentId: string): Promise<AutoRunOutcome> | undefined {
  return running.get(incidentId);
}

async function runbookEntry(actor: Caller, incidentId: string, details: Record<string, unknown>): Promise<void> {
  const incident = await requireIncident(incidentId);
  await appendEntry(await getDb(), {
    actor: actor.email,
    role: roleLabel(actor),
    incidentId,
    kind: "runbook",
    targets: timelineTargets(incident.targets),
    planHash: null,
    details,
  });
}

/** Evidence first: when collect-evidence did not succeed, the runbook does not run, and the timeline says why. */
export async function recordAutoRunbookSkipped(actor: Caller, incidentId: string, runbookId: AutoRunbook, why: string): Promise<void> {
  await runbookEntry(actor, incidentId, {
    runbookId,
    phase: "skipped",
    message: `ALERT_AUTO_RUNBOOK=${runbookId} did not run: ${why} Evidence comes first; run it by hand.`,
  });
}
