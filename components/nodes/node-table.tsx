"use client";

import Link from "next/link";
import { useInfiniteQuery } from "@tanstack/react-query";
import { Badge } from "@/components/clusters/badge";
import { count, nodeHref } from "@/components/clusters/format";
import { Button } from "@/components/ui/button";
import { ErrorMessage } from "@/components/ui/error-message";
import { EmptyRow, Table, TBody, Td, Th, THead } from "@/components/ui/table";
import type { NodeRow, Page } from "@/lib/clusters/types";
import { clusterQueries } from "@/lib/query-keys";

/** Nodes with their VM facts; polls every 30 s so a cordon elsewhere shows up here. */
export function NodeTable({ cluster, initial }: { cluster: string; initial: (Page<NodeRow> & { computeError?: string }) | null }) {
  const q = useInfiniteQuery({
    ...clusterQueries.pages(cluster, "nodes", { limit: 100 }),
    ...(initial ? { initialData: { pages: [initial], pageParams: [""] } } : {}),
    refetchInterval: 30_000,
  });
  const rows = q.data?.pages.flatMap((p) => p.items) ?? [];
  const computeError = q.data?.pages.find((p) => p.computeError)?.computeError;
  return (
    <div className="space-y-3">
      {q.error && <ErrorMessage title="Could not load nodes">{q.error.message}</ErrorMessage>}
      {computeError && <ErrorMessage title="Network tags unavailable">{computeError}</ErrorMessage>}
      <Table caption="Nodes">
        <THead>
          <tr>
            <Th>Node</Th>
            <Th>Ready</Th>
            <Th>Cordoned</Th>
            <Th>Zone</Th>
            <Th>GCE instance</Th>
            <Th>Internal IP</Th>
            <Th>External IP</Th>
            <Th>Network tags</Th>
            <Th>Pods</Th>
          </tr>
        </THead>
        <TBody>
          {!q.isPending && rows.length === 0 && <EmptyRow colSpan={9}>No nodes.</EmptyRow>}
          {rows.map((n) => (
            <tr key={n.name}>
              <Td>
                <Link href={nodeHref(cluster, n.name)} className="font-medium">
                  {n.name}
                </Link>
              </Td>
              <Td>{n.ready ? <Badge tone="green">Ready</Badge> : <Badge tone="red">NotReady</Badge>}</Td>
              <Td>{n.cordoned ? <Badge tone="amber">Cordoned</Badge> : "no"}</Td>
              <Td>{n.zone ?? "—"}</Td>
              <Td>{n.instance ? `${n.instance.name} (${n.instance.zone})` : "—"}</Td>
              <Td>{n.internalIP ?? "—"}</Td>
              <Td>{n.externalIP ?? "—"}</Td>
              <Td>{n.tags ? n.tags.join(", ") || "none" : "unknown"}</Td>
              <Td>{count(n.podCount)}</Td>
            </tr>
          ))}
        </TBody>
      </Table>
      {q.hasNextPage && (
        <Button variant="secondary" onClick={() => q.fetchNextPage()} disabled={q.isFetchingNextPage}>
          Load more nodes
        </Button>
      )}
    </div>
  );
}
