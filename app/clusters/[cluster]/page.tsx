import type { Metadata } from "next";
import Link from "next/link";
import { Badge } from "@/components/clusters/badge";
import { ClusterNav } from "@/components/clusters/cluster-nav";
import { FactList } from "@/components/clusters/fact-list";
import { clusterHref, count, datapathLabel, yesNo } from "@/components/clusters/format";
import { LoadError } from "@/components/clusters/load-error";
import { NotAllowed } from "@/components/clusters/not-allowed";
import { Card } from "@/components/ui/card";
import { requireBrowser } from "@/lib/clusters/page-guard";
import { loadForPage } from "@/lib/clusters/page-load";
import { pageParam } from "@/lib/clusters/page-params";
import { getCluster } from "@/lib/clusters/registry";

export const metadata: Metadata = { title: "Cluster" };
export const dynamic = "force-dynamic";

export default async function ClusterPage({ params }: { params: Promise<{ cluster: string }> }) {
  const cluster = pageParam("cluster", (await params).cluster);
  const who = await requireBrowser(clusterHref(cluster));
  if ("forbidden" in who) return <NotAllowed title="Cluster" />;
  const c = await loadForPage(() => getCluster(cluster));
  if (!c.ok) {
    return (
      <div className="space-y-4">
        <h1 className="text-2xl font-semibold">Cluster {cluster}</h1>
        <LoadError what="the cluster" message={c.message} />
      </div>
    );
  }
  const d = c.data;
  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-semibold">Cluster {d.name}</h1>
      <ClusterNav cluster={cluster} current="" />
      {d.error && <LoadError what="live data from the cluster" message={d.error} />}
      <Card title="Facts">
        <FactList
          facts={[
            ["Context", d.id],
            ["Source", d.source],
            ["Project", d.project ?? "—"],
            ["Location", d.location ?? "—"],
            ["Kubernetes", d.kubernetesVersion ?? "unknown"],
            ["Autopilot", yesNo(d.autopilot)],
            ["Datapath", datapathLabel(d.datapath)],
            [
              "NetworkPolicy",
              <span key="np">
                <Badge tone={d.networkPolicy.enforced ? "green" : d.networkPolicy.determined ? "red" : "amber"}>
                  {d.networkPolicy.enforced ? "Enforced" : d.networkPolicy.determined ? "Not enforced" : "Unknown"}
                </Badge>{" "}
                {d.networkPolicy.reason}
              </span>,
            ],
            ["Node auto-repair", yesNo(d.autoRepair)],
            [
              "Nodes",
              <Link key="n" href={clusterHref(cluster, "/nodes")}>
                {count(d.nodeCount)} nodes
              </Link>,
            ],
            [
              "Pods",
              <Link key="p" href={clusterHref(cluster, "/pods")}>
                {count(d.podCount)} pods
              </Link>,
            ],
            ["Reachable", d.reachable ? "yes" : "no"],
          ]}
        />
      </Card>
    </div>
  );
}
