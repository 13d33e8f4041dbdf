/**
 * Query-key factory for the incident wizard: each entry returns its key and fetcher together
 * (the apiQuery habit of lib/http/fetch-json.ts). Client-safe: types only from the engine.
 */
import { apiQuery } from "@/lib/http/fetch-json";
import type { TimelineEntry } from "@/lib/audit/append";
import type { ContainmentBoard } from "@/lib/containment/board-types";
import type { RunSummary } from "@/lib/containment/detail";
import type { ProgressLine } from "@/lib/containment/runs";
import type { EvidenceList } from "@/lib/evidence/types";

const enc = encodeURIComponent;

export type RunbookProgress = { stepId: string; status: string; message: string | null };

export type ProgressAnswer = { run: RunSummary | null; lines: ProgressLine[] };

// The timeline route caps one answer at 5000 entries; an incident stays far below that.
const TIMELINE_LIMIT = 5000;

export const incidentQueries = {
  all: (id: string) => ["incidents", id] as const,
  timeline: (id: string) =>
    apiQuery<{ items: TimelineEntry[] }>(["incidents", id, "timeline"], `/api/v1/incidents/${enc(id)}/timeline?limit=${TIMELINE_LIMIT}`),
  containment: (id: string) => apiQuery<ContainmentBoard>(["incidents", id, "containment"], `/api/v1/incidents/${enc(id)}/containment`),
  evidence: (id: string) => apiQuery<EvidenceList>(["incidents", id, "evidence"], `/api/v1/incidents/${enc(id)}/evidence`),
  runbook: (id: string, runbook: string, since: string) =>
    apiQuery<{ steps: RunbookProgress[] }>(
      ["incidents", id, "runbooks", runbook, since],
      `/api/v1/incidents/${enc(id)}/runbooks/${enc(runbook)}?since=${enc(since)}`,
    ),
  progress: (id: string, stepId: string) =>
    apiQuery<ProgressAnswer>(["incidents", id, "steps", stepId, "progress"], `/api/v1/incidents/${enc(id)}/steps/${enc(stepId)}/progress`),
};
