import type { ApprovalView } from "@/lib/approvals/types";

export type SlotState = {
  /** The newest request for exactly this plan, if any. */
  current: ApprovalView | null;
  /** An open or granted request for another plan of this step: it will not apply to this one. */
  otherPlan: ApprovalView | null;
  /** Whether the analyst may ask (none for this plan, or the last one was rejected or lapsed). */
  canRequest: boolean;
  /** Whether this plan may run now: an approval of exactly this plan was granted. */
  approved: boolean;
  /** The one current state in words: needs approval, requested, approved by whom, rejected, lapsed. */
  headline: string;
};

const plural = (n: number) => (n === 1 ? "one approver" : `${n} approvers`);

function headlineOf(current: ApprovalView | null): string {
  if (!current) return "Needs approval: no approval requested for this plan yet.";
  switch (current.status) {
    case "pending":
      return `Approval requested (${plural(current.requiredApprovals)} needed).`;
    case "approved": {
      const by = current.decisions.filter((d) => d.decision === "approve").map((d) => d.approver);
      return `Approved by ${by.join(", ") || "an approver"}: Execute is enabled.`;
    }
    case "rejected":
      return "Rejected: this plan cannot be executed; change it or request again.";
    case "expired":
      return "Lapsed: request approval again.";
    case "used":
      return "Used: an earlier run spent this approval (each lets one run); request approval again.";
  }
}

/** What the wizard's approval slot shows for the plan under review; `items` are newest first. */
export function slotState(all: ApprovalView[], planHash: string, operation: ApprovalView["operation"] = "execute"): SlotState {
  // A step's execute and undo (release) approvals are listed together; each slot reads its own.
  const items = all.filter((a) => (a.operation ?? "execute") === operation);
  const current = items.find((a) => a.planHash === planHash) ?? null;
  const otherPlan = items.find((a) => a.planHash !== planHash && (a.status === "approved" || a.status === "pending")) ?? null;
  return {
    current,
    otherPlan,
    canRequest: !current || current.status === "rejected" || current.status === "expired" || current.status === "used",
    approved: current?.status === "approved",
    headline: headlineOf(current),
  };
}
