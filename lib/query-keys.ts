/**
 * Query-key factory for the cluster browser: each entry returns its key and its fetcher
 * together, so a key can never drift from the URL it caches. Client components import this;
 * it holds no server code. Other areas add their own factories beside this one.
 */
import { infiniteQueryOptions } from "@tanstack/react-query";
import { apiQuery, fetchJson } from "@/lib/http/fetch-json";
import type { NodeDetail } from "@/lib/clusters/get-node-detail";
import type { PodDetail } from "@/lib/clusters/get-pod-detail";
import type { ClusterInventory, ClusterSummary, ListQuery, NetworkPolicyRow, NodeRow, Page, PodRow, ServiceRow } from "@/lib/clusters/types";

export type ListFilters = Omit<ListQuery, "continue">;
export type ListKind = "nodes" | "pods" | "services" | "networkpolicies";
type RowOf = { nodes: NodeRow; pods: PodRow; services: ServiceRow; networkpolicies: NetworkPolicyRow };
export type NodePage = Page<NodeRow> & { computeError?: string };

const enc = encodeURIComponent;

export function listUrl(cluster: string, kind: ListKind, filters: ListFilters, cont?: string): string {
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(filters)) if (v !== undefined && v !== "") qs.set(k, String(v));
  if (cont) qs.set("continue", cont);
  const q = qs.toString();
  return `/api/v1/clusters/${enc(cluster)}/${kind}${q ? `?${q}` : ""}`;
}

/** Only the filters that change the answer go in the key, in a stable order. */
function filterKey(f: ListFilters) {
  return { namespace: f.namespace ?? "", labelSelector: f.labelSelector ?? "", fieldSelector: f.fieldSelector ?? "", limit: f.limit ?? 100 };
}

export const clusterQueries = {
  all: () => ["clusters"] as const,
  list: () => apiQuery<ClusterInventory>(["clusters", "list"], "/api/v1/clusters"),
  detail: (cluster: string) => apiQuery<ClusterSummary>(["clusters", cluster, "detail"], `/api/v1/clusters/${enc(cluster)}`),
  /** A "Load more" list: each page passes the previous page's continue token to the API server. */
  pages: <K extends ListKind>(cluster: string, kind: K, filters: ListFilters) =>
    infiniteQueryOptions({
      queryKey: ["clusters", cluster, kind, filterKey(filters)] as const,
      queryFn: ({ pageParam, signal }) =>
        fetchJson<Page<RowOf[K]> & { computeError?: string }>(listUrl(cluster, kind, filters, pageParam || undefined), { signal }),
      initialPageParam: "",
      getNextPageParam: (last: Page<RowOf[K]>) => last.continue || undefined,
    }),
  pod: (cluster: string, namespace: string, name: string) =>
    apiQuery<PodDetail>(["clusters", cluster, "pod", namespace, name], `/api/v1/clusters/${enc(cluster)}/pods/${enc(namespace)}/${enc(name)}`),
  node: (cluster: string, name: string) => apiQuery<NodeDetail>(["clusters", cluster, "node", name], `/api/v1/clusters/${enc(cluster)}/nodes/${enc(name)}`),
};
