import { PlanView } from "@/components/containment/plan-view";
import { RiskBadge } from "@/components/containment/risk-badge";
import type { EvidenceStatus, InboxItem } from "@/lib/approvals/inbox";
import { ApprovalBadge, ApprovalSummary } from "./approval-status";
import { DecisionForm } from "./decision-form";

function Evidence({ evidence }: { evidence: EvidenceStatus }) {
  return evidence.collected ? (
    <p className="text-sm text-emerald-800">
      <strong>Evidence:</strong> collect-evidence succeeded{evidence.by ? ` (${evidence.by})` : ""}.
    </p>
  ) : (
    <p className="rounded-md border border-amber-400 bg-amber-50 px-3 py-2 text-sm text-amber-950">
      <strong>Evidence:</strong> collect-evidence has not succeeded for this incident.
    </p>
  );
}

/** One request as the approver reviews it: the stored plan (what will run), warnings, evidence, requester and reason. */
export function ApprovalCard({ item, viewer, canDecide }: { item: InboxItem; viewer: string; canDecide: boolean }) {
  const titleId = `approval-${item.id}-title`;
  const label = `${item.stepTitle} on ${item.incident?.title ?? item.incidentId}`;
  const self = item.requestedBy.toLowerCase() === viewer.toLowerCase();
  return (
    <article aria-labelledby={titleId} className="space-y-3 rounded-lg border border-slate-200 bg-white p-4 shadow-sm">
      <header className="flex flex-wrap items-center gap-2">
        <h2 id={titleId} className="text-base font-semibold">
          {label}
        </h2>
        <RiskBadge risk={item.plan.risk} />
        <ApprovalBadge status={item.status} />
      </header>
      {item.incident && (
        <p className="text-sm">
          <a href={`/incidents/${item.incidentId}`} className="text-blue-700 underline">
            Incident
          </a>{" "}
          on{" "}
          <code>
            {item.incident.namespace}/{item.incident.pod}
          </code>{" "}
          in <code>{item.incident.cluster}</code> ({item.incident.severity})
        </p>
      )}
      <ApprovalSummary approval={item} />
      <Evidence evidence={item.evidence} />
      <details open={item.status === "pending"}>
        <summary className="cursor-pointer text-sm font-medium">The plan you are approving</summary>
        <div className="mt-3">
          <PlanView plan={item.plan} blockedId={`approval-${item.id}-blocked`} />
        </div>
      </details>
      {canDecide && <DecisionForm approvalId={item.id} open={item.status === "pending"} self={self} label={label} />}
    </article>
  );
}
