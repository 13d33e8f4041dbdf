/** Query-key factory for approvals (client-safe): key and fetcher together, as lib/http/fetch-json.ts recommends. */
import { apiQuery } from "@/lib/http/fetch-json";
import type { ApprovalView } from "@/lib/approvals/types";

const enc = encodeURIComponent;

export const approvalQueries = {
  all: ["approvals"] as const,
  forStep: (incidentId: string, stepId: string) =>
    apiQuery<{ items: ApprovalView[] }>(["approvals", "incident", incidentId, stepId], `/api/v1/incidents/${enc(incidentId)}/steps/${enc(stepId)}/approvals`),
};
