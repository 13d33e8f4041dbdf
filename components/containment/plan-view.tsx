import type { PlanView as Plan } from "@/lib/containment/types";
import { ChangeTable } from "./change-table";
import { CommandList } from "./command-list";
import { WarningList } from "./warning-list";

/** What a reviewed plan will do: blocked/no-op first, then warnings, the diff, the dry run and the commands. */
export function PlanView({ plan, blockedId }: { plan: Plan; blockedId: string }) {
  return (
    <div className="space-y-4" aria-label="Plan" role="group">
      {plan.blocked && (
        <p id={blockedId} role="alert" className="rounded-md border border-red-400 bg-red-50 px-3 py-2 text-sm text-red-950">
          <strong>Blocked:</strong> {plan.blocked}
        </p>
      )}
      {plan.noop && (
        <p className="rounded-md border border-emerald-300 bg-emerald-50 px-3 py-2 text-sm text-emerald-950">
          <strong>Already done:</strong> nothing to change. Executing records it as a no-op.
        </p>
      )}
      {plan.riskReasons && plan.riskReasons.length > 0 && (
        <div role="note" aria-label="Risk raised by this plan" className="rounded-md border border-red-400 bg-red-50 px-3 py-2 text-sm text-red-950">
          <p>
            <strong>Raised to {plan.risk}</strong>
            {plan.requiresApproval ? ": this plan needs an approver's sign-off before it runs." : "."}
          </p>
          <ul className="mt-1 list-disc pl-5">
            {plan.riskReasons.map((r) => (
              <li key={r}>{r}</li>
            ))}
          </ul>
        </div>
      )}
      <WarningList warnings={plan.warnings} label="Plan warnings" />
      <ChangeTable changes={plan.changes} />
      {plan.dryRun && (
        <p className={`text-sm ${plan.dryRun.ok ? "text-emerald-800" : "text-amber-800"}`}>
          <strong>Server-side dry run:</strong> {plan.dryRun.ok ? "passed" : "refused"}: {plan.dryRun.message}
        </p>
      )}
      <CommandList commands={plan.commands} />
      <p className="text-xs text-slate-500">
        Plan hash <code className="break-all">{plan.planHash}</code>: execution is refused if the live plan differs.
      </p>
    </div>
  );
}
