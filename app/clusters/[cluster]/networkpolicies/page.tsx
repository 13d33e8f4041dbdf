import type { Metadata } from "next";
import Link from "next/link";
import { ClusterNav } from "@/components/clusters/cluster-nav";
import { clusterHref, count, podHref } from "@/components/clusters/format";
import { LoadError } from "@/components/clusters/load-error";
import { NextPageLink } from "@/components/clusters/next-page-link";
import { NotAllowed } from "@/components/clusters/not-allowed";
import { EmptyRow, Table, TBody, Td, Th, THead } from "@/components/ui/table";
import { listNetworkPolicies } from "@/lib/clusters/list-network-policies";
import { namespaceSchema } from "@/lib/clusters/list-query";
import { requireBrowser } from "@/lib/clusters/page-guard";
import { loadForPage } from "@/lib/clusters/page-load";
import { firstString, pageParam } from "@/lib/clusters/page-params";

export const metadata: Metadata = { title: "Network policies" };
export const dynamic = "force-dynamic";

type Props = { params: Promise<{ cluster: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> };

export default async function NetworkPoliciesPage({ params, searchParams }: Props) {
  const cluster = pageParam("cluster", (await params).cluster);
  const base = clusterHref(cluster, "/networkpolicies");
  const who = await requireBrowser(base);
  if ("forbidden" in who) return <NotAllowed title="Network policies" />;
  const sp = await searchParams;
  const ns = firstString(sp.namespace);
  const namespace = ns && namespaceSchema.safeParse(ns).success ? ns : undefined;
  const page = await loadForPage(() => listNetworkPolicies(cluster, { namespace, limit: 100, continue: firstString(sp.continue) || undefined }));
  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-semibold">Network policies</h1>
      <ClusterNav cluster={cluster} current="/networkpolicies" />
      <form method="get" className="flex items-end gap-2 text-sm" aria-label="Filter network policies">
        <label className="font-medium text-slate-700">
          Namespace
          <input name="namespace" defaultValue={namespace ?? ""} placeholder="all namespaces" className="ml-2 rounded-md border border-slate-300 px-2 py-1" />
        </label>
        <button type="submit" className="rounded-md border border-slate-300 px-3 py-1">
          Apply
        </button>
      </form>
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
                    {np.selectedPods === null ? (
                      "unknown"
                    ) : (
                      <>
                        {count(np.selectedPods.count, np.selectedPods.truncated)} pods
                        <ul className="text-xs">
                          {np.selectedPods.names.map((n) => (
                            <li key={n}>
                              <Link href={podHref(cluster, np.namespace, n)}>{n}</Link>
                            </li>
                          ))}
                        </ul>
                      </>
                    )}
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
