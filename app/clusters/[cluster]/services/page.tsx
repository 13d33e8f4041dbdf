import type { Metadata } from "next";
import Link from "next/link";
import { ClusterNav } from "@/components/clusters/cluster-nav";
import { clusterHref, count, podHref } from "@/components/clusters/format";
import { LoadError } from "@/components/clusters/load-error";
import { NextPageLink } from "@/components/clusters/next-page-link";
import { NotAllowed } from "@/components/clusters/not-allowed";
import { EmptyRow, Table, TBody, Td, Th, THead } from "@/components/ui/table";
import { listServices } from "@/lib/clusters/list-services";
import { namespaceSchema } from "@/lib/clusters/list-query";
import { requireBrowser } from "@/lib/clusters/page-guard";
import { loadForPage } from "@/lib/clusters/page-load";
import { firstString, pageParam } from "@/lib/clusters/page-params";
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
  const ns = firstString(sp.namespace);
  const namespace = ns && namespaceSchema.safeParse(ns).success ? ns : undefined;
  const page = await loadForPage(() => listServices(cluster, { namespace, limit: 100, continue: firstString(sp.continue) || undefined }));
  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-semibold">Services</h1>
      <ClusterNav cluster={cluster} current="/services" />
      <form method="get" className="flex items-end gap-2 text-sm" aria-label="Filter services">
        <label className="font-medium text-slate-700">
          Namespace
          <input name="namespace" defaultValue={namespace ?? ""} placeholder="all namespaces" className="ml-2 rounded-md border border-slate-300 px-2 py-1" />
        </label>
        <button type="submit" className="rounded-md border border-slate-300 px-3 py-1">
          Apply
        </button>
      </form>
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
                    {s.selectedPods === null ? (
                      "—"
                    ) : (
                      <>
                        {count(s.selectedPods.count, s.selectedPods.truncated)} pods
                        <ul className="text-xs">
                          {s.selectedPods.names.map((n) => (
                            <li key={n}>
                              <Link href={podHref(cluster, s.namespace, n)}>{n}</Link>
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
          <NextPageLink base={base} params={namespace ? { namespace } : {}} cont={page.data.continue} label="Next page of services" />
        </>
      )}
    </div>
  );
}
