import type { Risk } from "@/lib/containment/types";
import { Badge } from "@/components/clusters/badge";

const TONE: Record<Risk, "green" | "slate" | "amber" | "red"> = {
  "read-only": "green",
  reversible: "slate",
  disruptive: "amber",
  destructive: "red",
};

export function RiskBadge({ risk }: { risk: Risk }) {
  return (
    <Badge tone={TONE[risk]}>
      <span className="sr-only">Risk: </span>
      {risk}
    </Badge>
  );
}
