"use client";

import { useInfiniteQuery } from "@tanstack/react-query";
import { usePathname, useRouter } from "next/navigation";
import { useMemo } from "react";
import { count } from "@/components/clusters/format";
import { Button } from "@/components/ui/button";
import { ErrorMessage } from "@/components/ui/error-message";
import { podFieldSelector } from "@/lib/clusters/list-query";
import { suspiciousFirst } from "@/lib/clusters/suspicious";
import type { PodPage, PodRow } from "@/lib/clusters/types";
import { clusterQueries } from "@/lib/query-keys";
import { PodFilters, type PodFilterValues } from "./pod-filters";
import { VirtualPodTable } from "./virtual-pod-table";

const PAGE_SIZE = 200;

/**
 * Pods of one cluster: filters go to the API server as selectors, pages come 200 at a time
 * with "Load more" (continue token), rows are virtualized. The filters live in the URL so a
 * filtered view can be shared and reloaded.
 */
export function PodsBrowser({ cluster, filters, initial }: { cluster: string; filters: PodFilterValues; initial: PodPage | null }) {
  const router = useRouter();
  const pathname = usePathname();
  const query = {
    namespace: filters.namespace || undefined,
    labelSelector: filters.labelSelector || undefined,
    fieldSelector: podFieldSelector({ node: filters.node || undefined, phase: filters.phase || undefined }),
    limit: PAGE_SIZE,
  };
  const q = useInfiniteQuery({
    ...clusterQueries.pages(cluster, "pods", query),
    ...(initial ? { initialData: { pages: [initial], pageParams: [""] } } : {}),
  });
  const filtered = Object.values(filters).some(Boolean);
  // A filtered list is where an analyst hunts for the bad pod: the ones with security events or
  // an open incident come first. Unfiltered, the API server's order keeps pages stable.
  const rows = useMemo(() => {
    const all: PodRow[] = q.data?.pages.flatMap((p) => p.items) ?? [];
    return filtered ? suspiciousFirst(all) : all;
  }, [q.data, filtered]);
  const last = q.data?.pages[q.data.pages.length - 1] as PodPage | undefined;

  const apply = (v: PodFilterValues) => {
    const qs = new URLSearchParams();
    for (const [k, val] of Object.entries(v)) if (val) qs.set(k, val);
    router.push(qs.size ? `${pathname}?${qs}` : pathname);
  };

  return (
    <div className="space-y-3">
      <PodFilters key={JSON.stringify(filters)} value={filters} onApply={apply} />
      {q.error && <ErrorMessage title="Could not load pods">{q.error.message}</ErrorMessage>}
      <p className="text-sm text-slate-600" aria-live="polite">
        {q.isPending
          ? "Loading pods…"
          : `Showing ${count(rows.length)} pods${last?.remainingItemCount !== undefined ? ` of ${count(rows.length + last.remainingItemCount)}` : last?.continue ? " (more available)" : ""}.`}
      </p>
      {last?.securityEventsUnavailable && (
        <p className="text-sm text-amber-800">Security events could not be read on this cluster; markers show open incidents only.</p>
      )}
      <VirtualPodTable cluster={cluster} rows={rows} />
      {q.hasNextPage && (
        <Button variant="secondary" onClick={() => q.fetchNextPage()} disabled={q.isFetchingNextPage}>
          {q.isFetchingNextPage ? "Loading…" : "Load more pods"}
        </Button>
      )}
    </div>
  );
}
