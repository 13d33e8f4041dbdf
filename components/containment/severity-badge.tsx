import type { Incident } from "@/lib/containment/types";
import { Badge } from "@/components/clusters/badge";

const TONE: Record<Incident["severity"], "green" | "slate" | "amber" | "red"> = {
  low: "slate",
  medium: "amber",
  high: "red",
  critical: "red",
};

export function SeverityBadge({ severity }: { severity: Incident["severity"] }) {
  return (
    <Badge tone={TONE[severity]}>
      <span className="sr-only">Severity: </span>
      {severity}
    </Badge>
  );
}
