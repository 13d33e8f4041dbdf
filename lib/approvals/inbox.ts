import "server-only";
import { EVIDENCE_STEP } from "@/lib/containment/executor";
import { listRuns } from "@/lib/containment/runs";
import { getDb } from "@/lib/store";
import { listApprovals } from "./requests";
import type { ApprovalView } from "./types";

export type EvidenceStatus = { collected: boolean; at: string | null; by: string | null };
export type InboxItem = ApprovalView & { evidence: EvidenceStatus };

/** Whether collect-evidence succeeded for the incident: the first thing an approver of an eradicate step asks. */
async function evidenceStatus(incidentId: string): Promise<EvidenceStatus> {
  const runs = await listRuns(await getDb(), incidentId);
  const ok = runs.filter((r) => r.step_id === EVIDENCE_STEP && r.operation === "execute" && (r.status === "succeeded" || r.status === "noop")).at(-1);
  return ok ? { collected: true, at: ok.finished_at ?? ok.started_at, by: ok.actor } : { collected: false, at: null, by: null };
}

/** Pending requests first (oldest waiting first), then the most recently decided ones, each with its incident's evidence status. */
export async function inbox(opts: { recent?: number } = {}): Promise<InboxItem[]> {
  const pending = (await listApprovals({ status: "pending", limit: 200 })).reverse();
  const recent = (await listApprovals({ limit: 200 })).filter((a) => a.status !== "pending").slice(0, opts.recent ?? 20);
  const items = [...pending, ...recent];
  const evidence = new Map<string, EvidenceStatus>();
  for (const id of new Set(items.map((a) => a.incidentId))) evidence.set(id, await evidenceStatus(id));
  return items.map((a) => ({ ...a, evidence: evidence.get(a.incidentId)! }));
}
