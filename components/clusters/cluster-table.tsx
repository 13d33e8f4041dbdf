"use client";

import Link from "next/link";
import { useQuery } from "@tanstack/react-query";
import { EmptyRow, Table, TBody, Td, Th, THead } from "@/components/ui/table";
import { ErrorMessage } from "@/components/ui/error-message";
import type { ClusterInventory } from "@/lib/clusters/types";
import { clusterQueries } from "@/lib/query-keys";
import { Badge } from "./badge";
import { clusterHref, count, datapathLabel, yesNo } from "./format";

/** Every cluster with its facts; starts from the server's answer and polls every 30 s. */
export function ClusterTable({ initial }: { initial: ClusterInventory }) {
  const q = useQuery({ ...clusterQueries.list(), initialData: initial, refetchInterval: 30_000 });
  const { items, problems } = q.data;
  return (
    <div className="space-y-3">
      {q.error && <ErrorMessage title="Could not refresh the cluster list">{q.error.message}</ErrorMessage>}
      {problems.map((p) => (
        <ErrorMessage key={p.project + p.message} title={p.project ? `Project ${p.project}` : "Discovery"}>
          {p.message}
        </ErrorMessage>
      ))}
      <Table caption="Clusters">
        <THead>
          <tr>
            <Th>Cluster</Th>
            <Th>Source</Th>
            <Th>Project / location</Th>
            <Th>Kubernetes</Th>
            <Th>Autopilot</Th>
            <Th>Datapath</Th>
            <Th>NetworkPolicy</Th>
            <Th>Auto-repair</Th>
            <Th>Nodes</Th>
            <Th>Pods</Th>
            <Th>Status</Th>
          </tr>
        </THead>
        <TBody>
          {items.length === 0 && <EmptyRow colSpan={11}>No clusters: set KUBECONFIG or GCP_PROJECTS.</EmptyRow>}
          {items.map((c) => (
            <tr key={c.id}>
              <Td>
                <Link href={clusterHref(c.id)} className="font-medium">
                  {c.name}
                </Link>
                <div className="text-xs text-slate-500">{c.id}</div>
              </Td>
              <Td>{c.source}</Td>
              <Td>
                {c.project ?? "—"}
                <div className="text-xs text-slate-500">{c.location ?? ""}</div>
              </Td>
              <Td>{c.kubernetesVersion ?? "unknown"}</Td>
              <Td>{yesNo(c.autopilot)}</Td>
              <Td>{datapathLabel(c.datapath)}</Td>
              <Td>
                <Badge tone={c.networkPolicy.enforced ? "green" : c.networkPolicy.determined ? "red" : "amber"}>
                  {c.networkPolicy.enforced ? "Enforced" : c.networkPolicy.determined ? "Not enforced" : "Unknown"}
                </Badge>
                <div className="mt-1 max-w-xs text-xs text-slate-600">{c.networkPolicy.reason}</div>
              </Td>
              <Td>{yesNo(c.autoRepair)}</Td>
              <Td>{count(c.nodeCount)}</Td>
              <Td>{count(c.podCount)}</Td>
              <Td>
                {c.reachable ? <Badge tone="green">Reachable</Badge> : <Badge tone="red">Unreachable</Badge>}
                {c.error && <div className="mt-1 max-w-xs text-xs text-red-800">{c.error}</div>}
              </Td>
            </tr>
          ))}
        </TBody>
      </Table>
    </div>
  );
}
