import type { ApprovalView } from "@/lib/approvals/types";
import { Badge } from "@/components/clusters/badge";

const TONE = { pending: "amber", approved: "green", rejected: "red", expired: "slate", used: "slate" } as const;

const when = (iso: string) => new Date(iso).toISOString().replace("T", " ").slice(0, 16) + " UTC";

export function ApprovalBadge({ status }: { status: ApprovalView["status"] }) {
  return (
    <Badge tone={TONE[status]}>
      <span className="sr-only">Approval status: </span>
      {status}
    </Badge>
  );
}

/** Who asked, who decided and until when it holds: the same sentence in the inbox and the wizard. */
export function ApprovalSummary({ approval }: { approval: ApprovalView }) {
  const approvals = approval.decisions.filter((d) => d.decision === "approve").length;
  return (
    <div className="space-y-1 text-sm">
      <p>
        Requested by <strong>{approval.requestedBy}</strong> at {when(approval.requestedAt)}: <q>{approval.reason}</q>
      </p>
      {approval.decisions.length > 0 && (
        <ul aria-label="Decisions" className="list-disc pl-5">
          {approval.decisions.map((d) => (
            <li key={`${d.approver}-${d.at}`}>
              {d.decision === "approve" ? "Approved" : "Rejected"} by <strong>{d.approver}</strong> at {when(d.at)}
              {d.comment ? (
                <>
                  : <q>{d.comment}</q>
                </>
              ) : null}
            </li>
          ))}
        </ul>
      )}
      <p className="text-slate-700">
        {approval.status === "pending" && `${approvals} of ${approval.requiredApprovals} approvals; the request lapses at ${when(approval.expiresAt)}.`}
        {approval.status === "approved" && `Approved for this plan until ${when(approval.expiresAt)}.`}
        {approval.status === "rejected" && "Rejected: this plan cannot be executed."}
        {approval.status === "expired" && "Expired: a new approval is needed."}
        {approval.status === "used" && "Used: it let one run through; another run needs a new approval."}
      </p>
    </div>
  );
}
