import type { ApprovalView } from "@/lib/approvals/types";

export type SlotState = {
  /** The newest request for exactly this plan, if any. */
  current: ApprovalView | null;
  /** An open or granted request for another plan of this step: it will not apply to this one. */
  otherPlan: ApprovalView | null;
  /** Whether the analyst may ask (none for this plan, or the last one was rejected or lapsed). */
  canRequest: boolean;
};

/** What the wizard's approval slot shows for the plan under review; `items` are newest first. */
export function slotState(items: ApprovalView[], planHash: string): SlotState {
  const current = items.find((a) => a.planHash === planHash) ?? null;
  const otherPlan = items.find((a) => a.planHash !== planHash && (a.status === "approved" || a.status === "pending")) ?? null;
  return { current, otherPlan, canRequest: !current || current.status === "rejected" || current.status === "expired" };
}
