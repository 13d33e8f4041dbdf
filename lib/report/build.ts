import "server-only";
import { listEntries, type TimelineEntry } from "@/lib/audit/append";
import { currentAnchor } from "@/lib/audit/checkpoint";
import { verifyAudit } from "@/lib/audit/verify";
import type { Caller } from "@/lib/auth/roles";
import { alertsOfIncident } from "@/lib/alerts/store";
import { boardOf, stepVerifier } from "@/lib/containment/board";
import { requireIncident } from "@/lib/containment/incidents";
import { listRuns } from "@/lib/containment/runs";
import { listEvidence } from "@/lib/evidence/list";
import { getDb } from "@/lib/store";
import { messageOf, outcomeOf } from "@/lib/timeline-view/outcome";
import { reviewOf } from "@/lib/timeline-view/review";
import { liveState } from "./live-state";
import type { IncidentReport, ReportApproval, ReportCommands, ReportEntry } from "./types";

// An incident stays far below this; the report says so if one ever does not.
const MAX_ENTRIES = 5000;

const text = (v: unknown): string => (typeof v === "string" ? v : "");

function approvalOf(e: TimelineEntry): ReportApproval {
  const d = e.details;
  return {
    entryId: e.id,
    at: e.at,
    kind: e.kind,
    actor: e.actor,
    role: e.role,
    stepId: e.stepId,
    approvalId: text(d.approvalId) || null,
    planHash: e.planHash,
    // approval-used has neither reason nor comment: it names the run it let through.
    text: text(d.reason) || text(d.comment) || (text(d.runId) ? `used by run ${text(d.runId)}` : ""),
    status: text(d.status) || null,
  };
}

function commandsOf(e: TimelineEntry): ReportCommands | null {
  const cmds = e.details.commands;
  if (e.kind !== "intent" || !e.stepId || !Array.isArray(cmds) || cmds.length === 0) return null;
  return { entryId: e.id, at: e.at, actor: e.actor, stepId: e.stepId, operation: text(e.details.operation) || "execute", commands: cmds.map(String) };
}

/**
 * Everything a reader needs to know what happened and what holds now: the incident and its
 * targets, the timeline with actors and approvals, the commands that were run (equivalents, in
 * order, from the intent entries), the evidence with hashes, the live state of every step still
 * in place, and whether the audit chain is intact. Reads the cluster and Google Cloud live.
 */
export async function buildReport(caller: Pick<Caller, "email">, incidentId: string): Promise<IncidentReport> {
  const incident = await requireIncident(incidentId);
  const db = await getDb();
  const [runs, evidence] = await Promise.all([listRuns(db, incidentId), listEvidence(incidentId)]);
  // The board first: it may append the isolation-verified entry, which the timeline, the chain
  // check and the clock must all see. It and the live state share one read of each step.
  const verify = stepVerifier(incident, runs);
  const containment = await boardOf(db, incident, runs, evidence, verify);
  const [live, entries, review, auditChain, alerts] = await Promise.all([
    liveState(runs, verify),
    listEntries(db, { incidentId, limit: MAX_ENTRIES }),
    reviewOf(db, incidentId),
    verifyAudit(db, currentAnchor()),
    alertsOfIncident(db, incidentId),
  ]);
  const timeline: ReportEntry[] = entries.map((e) => ({
    id: e.id,
    at: e.at,
    actor: e.actor,
    role: e.role,
    kind: e.kind,
    stepId: e.stepId,
    outcome: outcomeOf(e),
    message: messageOf(e),
    planHash: e.planHash,
  }));
  const stepsRun = [...new Set(runs.filter((r) => r.operation === "execute").map((r) => r.step_id))];
  return {
    format: "airlock-incident-report/v1",
    generatedAt: new Date().toISOString(),
    generatedBy: caller.email,
    incident: {
      id: incident.id,
      title: incident.title,
      severity: incident.severity,
      status: incident.status,
      createdBy: incident.createdBy,
      createdAt: incident.createdAt,
    },
    summary: {
      entries: entries.length,
      stepsRun,
      stillInPlace: live.length,
      stillHolding: live.filter((l) => l.holds).length,
      artifacts: evidence.artifacts.length,
      snapshots: evidence.snapshots.length,
      reviewed: review !== null,
      chainIntact: auditChain.ok,
    },
    targets: incident.targets,
    alerts,
    timeline,
    approvals: entries.filter((e) => e.kind.startsWith("approval-")).map(approvalOf),
    commands: entries.map(commandsOf).filter((c): c is ReportCommands => c !== null),
    evidence,
    liveState: live,
    containment,
    auditChain,
    review,
  };
}
