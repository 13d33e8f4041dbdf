import Link from "next/link";
import { buttonClass } from "@/components/ui/button";

/**
 * CONTAINMENT SLOT: where the pod page hands over to incident response. The containment
 * engineer owns /incidents/new; this link passes the target exactly as the pod page knows it.
 */
export function OpenIncidentSlot({ cluster, namespace, pod }: { cluster: string; namespace: string; pod: string }) {
  const qs = new URLSearchParams({ cluster, namespace, pod });
  return (
    <Link href={`/incidents/new?${qs}`} className={buttonClass("danger")}>
      Open incident
    </Link>
  );
}
