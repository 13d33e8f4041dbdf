import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { ApprovalCard } from "@/components/approvals/approval-card";
import { ErrorMessage } from "@/components/ui/error-message";
import { getCaller, hasRole, meetsRequirement } from "@/lib/auth";
import { INBOX_ROLES } from "@/lib/approvals/doors";
import { inbox } from "@/lib/approvals/inbox";

export const metadata: Metadata = { title: "Approvals" };
export const dynamic = "force-dynamic";

export default async function ApprovalsPage() {
  const caller = await getCaller();
  if (!caller) redirect("/signin?callbackUrl=/approvals");
  if (!meetsRequirement(caller, INBOX_ROLES)) {
    return (
      <div className="space-y-4">
        <h1 className="text-2xl font-semibold">Approvals</h1>
        <ErrorMessage title="Not allowed">Your role does not allow reading approval requests. Approvers and leads can.</ErrorMessage>
      </div>
    );
  }
  const items = await inbox();
  const pending = items.filter((i) => i.status === "pending").length;
  const canDecide = hasRole(caller, "approver");
  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-semibold">Approvals</h1>
      <p className="text-sm text-slate-700">
        {pending === 0 ? "No request is waiting for a decision." : `${pending} request${pending === 1 ? "" : "s"} waiting for a decision.`} An approval holds
        only for the exact plan shown; if the live plan changes, the analyst needs a new one.
        {!canDecide && " You can read requests; only approvers decide them."}
      </p>
      <section aria-label="Approval requests" className="space-y-4">
        {items.map((item) => (
          <ApprovalCard key={item.id} item={item} viewer={caller.email} canDecide={canDecide} />
        ))}
      </section>
    </div>
  );
}
