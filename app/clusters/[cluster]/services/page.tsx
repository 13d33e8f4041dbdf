import type { Metadata } from "next";
import { ClusterNav } from "@/components/clusters/cluster-nav";
import { clusterHref } from "@/components/clusters/format";
import { LoadError } from "@/components/clusters/load-error";
import { NamespaceFilter } from "@/components/clusters/namespace-filter";
import { NextPageLink } from "@/components/clusters/next-page-link";
import { NotAllowed } from "@/components/clusters/not-allowed";
import { SelectedPods } from "@/components/clusters/selected-pods";
import { EmptyRow, Table, TBody, Td, Th, THead } from "@/components/ui/table";
import { listServices } from "@/lib/clusters/list-services";
import { requireBrowser } from "@/lib/clusters/page-guard";
import { loadForPage } from "@/lib/clusters/page-load";
import { firstString, namespaceFilter, pageParam } from "@/lib/clusters/page-params";
import { selectorMapToString } from "@/lib/clusters/selectors";

export const metadata: Metadata = { title: "Services" };
export const dynamic = "force-dynamic";

type Props = { params: Promise<{ cluster: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> };

export default async function ServicesPage({ params, searchParams }: Props) {
  const cluster = pageParam("cluster", (await params).cluster);
  const base = clusterHref(cluster, "/services");
  const who = await requireBrowser(base);
  if ("forbidden" in who) return <NotAllowed title="Services" />;
  const sp = await searchParams;
  const namespace = namespaceFilter(sp.namespace);
  const page = await loadForPage(() => listServices(cluster, { namespace, limit: 100, continue: firstString(sp.continue) || undefined }));
  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-semibold">Services</h1>
      <ClusterNav cluster={cluster} current="/services" />
      <NamespaceFilter label="Filter services" namespace={namespace} />
      {!page.ok ? (
        <LoadError what="services" message={page.message} />
      ) : (
        <>
          <Table caption="Services">
            <THead>
              <tr>
                <Th>Service</Th>
                <Th>Namespace</Th>
                <Th>Type</Th>
                <Th>Cluster IP</Th>
                <Th>Ports</Th>
                <Th>Selector</Th>
                <Th>Selected pods</Th>
              </tr>
            </THead>
            <TBody>
              {page.data.items.length === 0 && <EmptyRow colSpan={7}>No services.</EmptyRow>}
              {page.data.items.map((s) => (
                <tr key={`${s.namespace}/${s.name}`}>
                  <Td className="font-medium">{s.name}</Td>
                  <Td>{s.namespace}</Td>
                  <Td>{s.type}</Td>
                  <Td>{s.clusterIP ?? "—"}</Td>
                  <Td>{s.ports.join(", ") || "—"}</Td>
                  <Td>
                    <code className="text-xs">{s.selector ? selectorMapToString(s.selector) : "(none)"}</code>
                  </Td>
                  <Td>
                    <SelectedPods cluster={cluster} namespace={s.namespace} pods={s.selectedPods} none="—" />
                  </Td>
                </tr>
              ))}
            </TBody>
          </Table>
          <NextPageLink base={base} params={namespace ? { namespace } : {}} cont={page.data.continue} label="Next page of services" />
        </>
      )}
    </div>
  );
}
