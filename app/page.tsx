import Link from "next/link";
import { redirect } from "next/navigation";
import { buttonClass } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { getCaller } from "@/lib/auth";

export default async function HomePage() {
  const caller = await getCaller();
  if (!caller) redirect("/signin");
  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-semibold">Incident response</h1>
        <p className="mt-1 text-slate-600">Find the compromised workload, plan its containment step by step, and keep a verifiable record of every action.</p>
      </div>
      <Card title="Start">
        <p className="mb-4 text-sm text-slate-700">Browse the clusters this console can reach, then open an incident on a pod.</p>
        <Link href="/clusters" className={`${buttonClass("primary")} no-underline hover:no-underline`}>
          Browse clusters
        </Link>
      </Card>
    </div>
  );
}
