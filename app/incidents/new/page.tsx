import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { Card } from "@/components/ui/card";
import { getCaller, meetsRequirement } from "@/lib/auth";
import { INCIDENT_ROLES } from "@/lib/containment/doors";
import { OpenIncidentForm } from "./open-incident-form";

export const metadata: Metadata = { title: "Open an incident" };

type Search = Promise<Record<string, string | string[] | undefined>>;
const one = (v: string | string[] | undefined) => (typeof v === "string" ? v : "");

/** Pod pages link here with ?cluster=&namespace=&pod= so the target is filled in. */
export default async function NewIncidentPage({ searchParams }: { searchParams: Search }) {
  const caller = await getCaller();
  if (!caller) redirect("/signin?callbackUrl=/incidents/new");
  if (!meetsRequirement(caller, INCIDENT_ROLES)) return <p role="alert">Your role does not allow opening incidents.</p>;
  const q = await searchParams;
  return (
    <div className="max-w-xl space-y-4">
      <h1 className="text-2xl font-semibold">Open an incident</h1>
      <Card>
        <OpenIncidentForm defaults={{ cluster: one(q.cluster), namespace: one(q.namespace), pod: one(q.pod) }} />
      </Card>
    </div>
  );
}
