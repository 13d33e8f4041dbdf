import type { Metadata } from "next";
import { ClusterTable } from "@/components/clusters/cluster-table";
import { LoadError } from "@/components/clusters/load-error";
import { requireBrowser } from "@/lib/clusters/page-guard";
import { NotAllowed } from "@/components/clusters/not-allowed";
import { loadForPage } from "@/lib/clusters/page-load";
import { clusterInventory } from "@/lib/clusters/registry";

export const metadata: Metadata = { title: "Clusters" };
export const dynamic = "force-dynamic";

export default async function ClustersPage() {
  const who = await requireBrowser("/clusters");
  if ("forbidden" in who) return <NotAllowed title="Clusters" />;
  const inv = await loadForPage(clusterInventory);
  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-semibold">Clusters</h1>
      {inv.ok ? <ClusterTable initial={inv.data} /> : <LoadError what="clusters" message={inv.message} />}
    </div>
  );
}
