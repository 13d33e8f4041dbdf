import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { IncidentNotAllowed } from "@/components/containment/incident-not-allowed";
import { OpenIncidentForm } from "@/components/containment/open-incident-form";
import { Card } from "@/components/ui/card";
import { getCaller, meetsRequirement } from "@/lib/auth";
import { OPEN_INCIDENT_ROLE } from "@/lib/containment/doors";

export const metadata: Metadata = { title: "Open an incident" };

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v) ?? "";

/** Prefilled from the pod page's link (?cluster&namespace&pod); the action validates everything again. */
export default async function NewIncidentPage({ searchParams }: Props) {
  const sp = await searchParams;
  const caller = await getCaller();
  if (!caller) {
    const qs = new URLSearchParams({ cluster: first(sp.cluster), namespace: first(sp.namespace), pod: first(sp.pod) });
    redirect(`/signin?callbackUrl=${encodeURIComponent(`/incidents/new?${qs}`)}`);
  }
  if (!meetsRequirement(caller, OPEN_INCIDENT_ROLE)) return <IncidentNotAllowed title="Open an incident" />;
  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-semibold">Open an incident</h1>
      <Card title="Target pod">
        <p className="mb-4 text-sm text-slate-700">
          Airlock resolves the pod&apos;s node, VM, owner chain, Services and NetworkPolicies now and keeps them with the incident.
        </p>
        <OpenIncidentForm cluster={first(sp.cluster)} namespace={first(sp.namespace)} pod={first(sp.pod)} />
      </Card>
    </div>
  );
}
