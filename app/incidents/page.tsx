import type { Metadata } from "next";
import Link from "next/link";
import { redirect } from "next/navigation";
import { IncidentNotAllowed } from "@/components/containment/incident-not-allowed";
import { IncidentTable } from "@/components/containment/incident-table";
import { buttonClass } from "@/components/ui/button";
import { getCaller, meetsRequirement } from "@/lib/auth";
import { INCIDENT_ROLES } from "@/lib/containment/doors";
import { listIncidents } from "@/lib/containment/incidents";

export const metadata: Metadata = { title: "Incidents" };
export const dynamic = "force-dynamic";

export default async function IncidentsPage() {
  const caller = await getCaller();
  if (!caller) redirect("/signin?callbackUrl=/incidents");
  if (!meetsRequirement(caller, INCIDENT_ROLES)) return <IncidentNotAllowed title="Incidents" />;
  const incidents = await listIncidents({ limit: 200 });
  return (
    <div className="space-y-4">
      <div className="flex items-center justify-between gap-4">
        <h1 className="text-2xl font-semibold">Incidents</h1>
        <Link href="/incidents/new" className={`${buttonClass("primary")} no-underline hover:no-underline`}>
          Open an incident
        </Link>
      </div>
      <IncidentTable incidents={incidents} />
    </div>
  );
}
