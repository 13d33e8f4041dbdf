import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import type { InboxItem } from "@/lib/approvals/inbox";
import type { ApprovalView } from "@/lib/approvals/types";
import { ApprovalCard } from "./approval-card";
import { slotState } from "./slot-state";

const base: ApprovalView = {
  id: "6f1c1a52-9f0e-4d7e-9d6e-2b8c3f1a0b11",
  incidentId: "inc-1",
  incident: { title: "Miner in checkout", severity: "high", cluster: "payments", namespace: "shop", pod: "checkout-x" },
  stepId: "delete-pod",
  stepTitle: "Delete the pod",
  planHash: "a".repeat(64),
  plan: {
    stepId: "delete-pod",
    planHash: "a".repeat(64),
    risk: "destructive",
    changes: [{ target: "Pod shop/checkout-x", action: "delete" }],
    commands: ["kubectl delete pod checkout-x -n shop"],
    warnings: [{ level: "danger", code: "evidence-loss", message: "container filesystems are lost" }],
    requiresApproval: true,
    requiresConfirmation: true,
  },
  params: {},
  reason: "Miner still running",
  requestedBy: "analyst@x.com",
  requestedRole: "analyst",
  requestedAt: "2030-01-01T00:00:00.000Z",
  expiresAt: "2030-01-01T00:30:00.000Z",
  requiredApprovals: 1,
  status: "pending",
  decidedAt: null,
  decisions: [],
};
const v = (over: Partial<ApprovalView>): ApprovalView => ({ ...base, ...over });

describe("slotState", () => {
  it("offers a request when none exists for this plan, or the last one was rejected or expired", () => {
    expect(slotState([], base.planHash)).toMatchObject({ current: null, otherPlan: null, canRequest: true });
    expect(slotState([v({ status: "pending" })], base.planHash).canRequest).toBe(false);
    expect(slotState([v({ status: "approved" })], base.planHash).canRequest).toBe(false);
    expect(slotState([v({ status: "rejected" })], base.planHash).canRequest).toBe(true);
    expect(slotState([v({ status: "expired" })], base.planHash).canRequest).toBe(true);
  });

  it("names one current state: needs approval, requested, approved by whom; only an approval of this plan enables it", () => {
    expect(slotState([], base.planHash)).toMatchObject({ approved: false, headline: "Needs approval: no approval requested for this plan yet." });
    expect(slotState([v({ status: "pending" })], base.planHash)).toMatchObject({ approved: false, headline: "Approval requested (one approver needed)." });
    const approved = v({
      status: "approved",
      decisions: [{ approver: "approver@x.com", role: "approver", decision: "approve", comment: "", at: "2030-01-01T00:05:00.000Z" }],
    });
    expect(slotState([approved], base.planHash)).toMatchObject({ approved: true, headline: "Approved by approver@x.com: Execute is enabled." });
    expect(slotState([{ ...approved, planHash: "b".repeat(64) }], base.planHash).approved).toBe(false);
    expect(slotState([v({ status: "rejected" })], base.planHash).approved).toBe(false);
  });

  it("says an approval of another plan does not apply to this one", () => {
    const s = slotState([v({ id: "new", planHash: "b".repeat(64), status: "approved" })], base.planHash);
    expect(s).toMatchObject({ current: null, canRequest: true, otherPlan: { id: "new" } });
  });
});

describe("ApprovalCard", () => {
  const item = (over: Partial<InboxItem>): InboxItem => ({ ...base, evidence: { collected: true, at: "2030-01-01T00:00:00Z", by: "lead@x.com" }, ...over });

  it("shows the stored plan, warnings, evidence status, requester and reason, with labelled decisions", () => {
    const html = renderToStaticMarkup(<ApprovalCard item={item({})} viewer="approver@x.com" canDecide />);
    expect(html).toContain("Delete the pod on Miner in checkout");
    expect(html).toContain("kubectl delete pod checkout-x -n shop");
    expect(html).toContain("container filesystems are lost");
    expect(html).toContain("collect-evidence succeeded");
    expect(html).toContain("analyst@x.com");
    expect(html).toContain("Miner still running");
    expect(html).toMatch(/<label[^>]*for="[^"]+-comment"[^>]*>Comment<\/label>/);
    expect(html).toMatch(/<button[^>]*value="approve"[^>]*>Approve<\/button>/);
    expect(html).toMatch(/<button[^>]*value="reject"[^>]*>Reject<\/button>/);
    expect(html).toContain('aria-live="polite"');
  });

  it("disables the buttons on one's own request and warns when evidence is missing", () => {
    const html = renderToStaticMarkup(<ApprovalCard item={item({ evidence: { collected: false, at: null, by: null } })} viewer="Analyst@x.com" canDecide />);
    expect(html).toContain("another approver must decide it");
    expect(html).toMatch(/<button[^>]*disabled=""[^>]*value="approve"|<button[^>]*value="approve"[^>]*disabled=""/);
    expect(html).toContain("collect-evidence has not succeeded");
  });

  it("shows no decision form to a lead who cannot decide, nor on a decided request", () => {
    expect(renderToStaticMarkup(<ApprovalCard item={item({})} viewer="lead@x.com" canDecide={false} />)).not.toContain("Approve</button>");
    const decided = item({
      status: "approved",
      decisions: [{ approver: "approver@x.com", role: "approver", decision: "approve", comment: "go", at: "2030-01-01T00:05:00.000Z" }],
    });
    const html = renderToStaticMarkup(<ApprovalCard item={decided} viewer="approver2@x.com" canDecide />);
    expect(html).not.toContain("Approve</button>");
    expect(html).toContain("Approved by <strong>approver@x.com</strong>");
  });
});
