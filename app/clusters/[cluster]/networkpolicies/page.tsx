import type { Metadata } from "next";
import { ClusterNav } from "@/components/clusters/cluster-nav";
import { clusterHref } from "@/components/clusters/format";
import { LoadError } from "@/components/clusters/load-error";
import { NamespaceFilter } from "@/components/clusters/namespace-filter";
import { NextPageLink } from "@/components/clusters/next-page-link";
import { NotAllowed } from "@/components/clusters/not-allowed";
import { SelectedPods } from "@/components/clusters/selected-pods";
import { EmptyRow, Table, TBody, Td, Th, THead } from "@/components/ui/table";
import { listNetworkPolicies } from "@/lib/clusters/list-network-policies";
import { requireBrowser } from "@/lib/clusters/page-guard";
import { loadForPage } from "@/lib/clusters/page-load";
import { firstString, namespaceFilter, pageParam } from "@/lib/clusters/page-params";

export const metadata: Metadata = { title: "Network policies" };
export const dynamic = "force-dynamic";

type Props = { params: Promise<{ cluster: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> };

export default async function NetworkPoliciesPage({ params, searchParams }: Props) {
  const cluster = pageParam("cluster", (await params).cluster);
  const base = clusterHref(cluster, "/networkpolicies");
  const who = await requireBrowser(base);
  if ("forbidden" in who) return <NotAllowed title="Network policies" />;
  const sp = await searchParams;
  const namespace = namespaceFilter(sp.namespace);
  const page = await loadForPage(() => listNetworkPolicies(cluster, { namespace, limit: 100, continue: firstString(sp.continue) || undefined }));
  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-semibold">Network policies</h1>
      <ClusterNav cluster={cluster} current="/networkpolicies" />
      <NamespaceFilter label="Filter network policies" namespace={namespace} />
      {!page.ok ? (
        <LoadError what="network policies" message={page.message} />
      ) : (
        <>
          <Table caption="Network policies">
            <THead>
              <tr>
                <Th>Policy</Th>
                <Th>Namespace</Th>
                <Th>Pod selector</Th>
                <Th>Types</Th>
                <Th>Selected pods</Th>
              </tr>
            </THead>
            <TBody>
              {page.data.items.length === 0 && <EmptyRow colSpan={5}>No network policies.</EmptyRow>}
              {page.data.items.map((np) => (
                <tr key={`${np.namespace}/${np.name}`}>
                  <Td className="font-medium">{np.name}</Td>
                  <Td>{np.namespace}</Td>
                  <Td>
                    <code className="text-xs">{np.podSelector}</code>
                  </Td>
                  <Td>{np.policyTypes.join(", ")}</Td>
                  <Td>
                    <SelectedPods cluster={cluster} namespace={np.namespace} pods={np.selectedPods} none="unknown" />
                  </Td>
                </tr>
              ))}
            </TBody>
          </Table>
          <NextPageLink base={base} params={namespace ? { namespace } : {}} cont={page.data.continue} label="Next page of network policies" />
        </>
      )}
    </div>
  );
}
