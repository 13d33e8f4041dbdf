import type { Metadata } from "next";
import { ClusterNav } from "@/components/clusters/cluster-nav";
import { NotAllowed } from "@/components/clusters/not-allowed";
import { PodsBrowser } from "@/components/pods/pods-browser";
import { labelSelectorProblem } from "@/lib/clusters/selectors";
import { listPodsForAnalyst } from "@/lib/clusters/list-pods";
import { namespaceSchema, podFieldSelector } from "@/lib/clusters/list-query";
import { requireBrowser } from "@/lib/clusters/page-guard";
import { loadForPage } from "@/lib/clusters/page-load";
import { firstString, pageParam } from "@/lib/clusters/page-params";

export const metadata: Metadata = { title: "Pods" };
export const dynamic = "force-dynamic";

type Props = { params: Promise<{ cluster: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> };

export default async function PodsPage({ params, searchParams }: Props) {
  const cluster = pageParam("cluster", (await params).cluster);
  const who = await requireBrowser(`/clusters/${encodeURIComponent(cluster)}/pods`);
  if ("forbidden" in who) return <NotAllowed title="Pods" />;
  const sp = await searchParams;
  const filters = {
    namespace: firstString(sp.namespace),
    labelSelector: firstString(sp.labelSelector),
    node: firstString(sp.node),
    phase: firstString(sp.phase),
  };
  // The first page is rendered on the server; bad filters skip it and the browser shows the API's 400.
  const valid = (!filters.namespace || namespaceSchema.safeParse(filters.namespace).success) && !labelSelectorProblem(filters.labelSelector);
  const first = valid
    ? await loadForPage(() =>
        listPodsForAnalyst(
          cluster,
          {
            namespace: filters.namespace || undefined,
            labelSelector: filters.labelSelector || undefined,
            fieldSelector: podFieldSelector({ node: filters.node || undefined, phase: filters.phase || undefined }),
            limit: 200,
          },
          { caller: who },
        ),
      )
    : null;
  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-semibold">Pods</h1>
      <ClusterNav cluster={cluster} current="/pods" />
      <PodsBrowser cluster={cluster} filters={filters} initial={first?.ok ? first.data : null} />
    </div>
  );
}
