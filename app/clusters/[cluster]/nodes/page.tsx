import type { Metadata } from "next";
import { ClusterNav } from "@/components/clusters/cluster-nav";
import { LoadError } from "@/components/clusters/load-error";
import { NotAllowed } from "@/components/clusters/not-allowed";
import { NodeTable } from "@/components/nodes/node-table";
import { listNodes } from "@/lib/clusters/list-nodes";
import { requireBrowser } from "@/lib/clusters/page-guard";
import { loadForPage } from "@/lib/clusters/page-load";
import { pageParam } from "@/lib/clusters/page-params";

export const metadata: Metadata = { title: "Nodes" };
export const dynamic = "force-dynamic";

export default async function NodesPage({ params }: { params: Promise<{ cluster: string }> }) {
  const cluster = pageParam("cluster", (await params).cluster);
  const who = await requireBrowser(`/clusters/${encodeURIComponent(cluster)}/nodes`);
  if ("forbidden" in who) return <NotAllowed title="Nodes" />;
  const first = await loadForPage(() => listNodes(cluster, { limit: 100 }));
  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-semibold">Nodes</h1>
      <ClusterNav cluster={cluster} current="/nodes" />
      {first.ok ? <NodeTable cluster={cluster} initial={first.data} /> : <LoadError what="nodes" message={first.message} />}
    </div>
  );
}
