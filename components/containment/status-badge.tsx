import type { StepStatus } from "@/lib/containment/detail";
import { Badge } from "@/components/clusters/badge";

const LABEL: Record<StepStatus, string> = {
  "not-run": "not run",
  running: "running",
  succeeded: "succeeded",
  noop: "no-op (already done)",
  unverified: "ran, not verified",
  "not-holding": "does not hold",
  "not-contained": "not contained",
  failed: "failed",
  undone: "undone",
};

const TONE: Record<StepStatus, "green" | "slate" | "amber" | "red"> = {
  "not-run": "slate",
  running: "amber",
  succeeded: "green",
  noop: "green",
  unverified: "amber",
  "not-holding": "red",
  "not-contained": "red",
  failed: "red",
  undone: "slate",
};

/** The step's status from the server; `pending` covers the moment between click and answer. */
export function StatusBadge({ status, pending = false }: { status: StepStatus; pending?: boolean }) {
  const shown: StepStatus = pending ? "running" : status;
  return (
    <span role="status" aria-label={`Status: ${LABEL[shown]}`}>
      <Badge tone={TONE[shown]}>{LABEL[shown]}</Badge>
    </span>
  );
}
