import Link from "next/link";
import { buttonClass } from "@/components/ui/button";

/**
 * Where the pod page hands over to incident response: the link carries the target exactly as
 * the pod page knows it, and /incidents/new resolves everything else again on the server.
 */
export function OpenIncidentSlot({ cluster, namespace, pod }: { cluster: string; namespace: string; pod: string }) {
  const qs = new URLSearchParams({ cluster, namespace, pod });
  return (
    <Link href={`/incidents/new?${qs}`} className={buttonClass("danger")}>
      Open incident
    </Link>
  );
}
