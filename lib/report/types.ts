// The incident report as plain data: the JSON format, and what the Markdown is rendered from.
import type { AlertView } from "@/lib/alerts/types";
import type { AuditResult as ChainResult } from "@/lib/audit/verify";
import type { ContainmentBoard } from "@/lib/containment/board-types";
import type { IncidentTargets } from "@/lib/containment/types";
import type { EvidenceList } from "@/lib/evidence/types";
import type { Review } from "@/lib/timeline-view/review";

export type ReportEntry = {
  id: number;
  at: string;
  actor: string;
  role: string | null;
  kind: string;
  stepId: string | null;
  outcome: string | null;
  message: string;
  planHash: string | null;
};

export type ReportApproval = {
  entryId: number;
  at: string;
  kind: string;
  actor: string;
  role: string | null;
  stepId: string | null;
  approvalId: string | null;
  planHash: string | null;
  /** The requester's reason, or the approver's comment. */
  text: string;
  status: string | null;
};

export type ReportCommands = { entryId: number; at: string; actor: string; stepId: string; operation: string; commands: string[] };

export type LiveCheck = {
  stepId: string;
  title: string;
  risk: string;
  executedAt: string;
  executedBy: string;
  /** Read live from the cluster and Google Cloud when the report was built. */
  holds: boolean;
  message: string;
};

export type IncidentReport = {
  format: "airlock-incident-report/v1";
  generatedAt: string;
  generatedBy: string;
  incident: { id: string; title: string; severity: string; status: string; createdBy: string; createdAt: string };
  summary: {
    entries: number;
    stepsRun: string[];
    stillInPlace: number;
    stillHolding: number;
    artifacts: number;
    snapshots: number;
    reviewed: boolean;
    chainIntact: boolean;
  };
  targets: IncidentTargets;
  /** The alerts the incident keeps, earliest first (time to contain starts at the first). */
  alerts: AlertView[];
  timeline: ReportEntry[];
  approvals: ReportApproval[];
  commands: ReportCommands[];
  evidence: EvidenceList;
  liveState: LiveCheck[];
  /** The containment board read live when the report was built, with the recorded time-to-contain. */
  containment: ContainmentBoard;
  auditChain: ChainResult;
  review: Review | null;
};
