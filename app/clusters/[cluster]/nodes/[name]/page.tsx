import type { Metadata } from "next";
import Link from "next/link";
import { Badge } from "@/components/clusters/badge";
import { ClusterNav } from "@/components/clusters/cluster-nav";
import { FactList } from "@/components/clusters/fact-list";
import { clusterHref, count, podHref } from "@/components/clusters/format";
import { LoadError } from "@/components/clusters/load-error";
import { NextPageLink } from "@/components/clusters/next-page-link";
import { NotAllowed } from "@/components/clusters/not-allowed";
import { SectionView } from "@/components/pods/section";
import { Card } from "@/components/ui/card";
import { EmptyRow, Table, TBody, Td, Th, THead } from "@/components/ui/table";
import { getNodeDetail } from "@/lib/clusters/get-node-detail";
import { requireBrowser } from "@/lib/clusters/page-guard";
import { loadForPage } from "@/lib/clusters/page-load";
import { firstString, pageParam } from "@/lib/clusters/page-params";

export const metadata: Metadata = { title: "Node" };
export const dynamic = "force-dynamic";

type Props = { params: Promise<{ cluster: string; name: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> };

export default async function NodePage({ params, searchParams }: Props) {
  const p = await params;
  const cluster = pageParam("cluster", p.cluster);
  const name = pageParam("name", p.name);
  const base = clusterHref(cluster, `/nodes/${encodeURIComponent(name)}`);
  const who = await requireBrowser(base);
  if ("forbidden" in who) return <NotAllowed title={`Node ${name}`} />;
  const cont = firstString((await searchParams).continue) || undefined;
  const res = await loadForPage(() => getNodeDetail(cluster, name, { continue: cont }));
  if (!res.ok) {
    return (
      <div className="space-y-4">
        <h1 className="text-2xl font-semibold">Node {name}</h1>
        <ClusterNav cluster={cluster} current="/nodes" />
        <LoadError what="the node" message={res.message} />
      </div>
    );
  }
  const d = res.data;
  const n = d.node;
  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-semibold">Node {name}</h1>
      <ClusterNav cluster={cluster} current="/nodes" />
      <Card title="Node">
        <FactList
          facts={[
            [
              "Ready",
              n.ready ? (
                <Badge key="r" tone="green">
                  Ready
                </Badge>
              ) : (
                <Badge key="r" tone="red">
                  NotReady
                </Badge>
              ),
            ],
            [
              "Cordoned",
              n.cordoned ? (
                <Badge key="c" tone="amber">
                  Cordoned
                </Badge>
              ) : (
                "no"
              ),
            ],
            ["Zone", n.zone ?? "—"],
            ["Internal IP", n.internalIP ?? "—"],
            ["External IP", n.externalIP ?? "—"],
            ["Kubelet", n.kubeletVersion ?? "—"],
            ["OS image", n.osImage ?? "—"],
            ["Taints", n.taints.join(", ") || "none"],
            ["Pods", count(n.podCount)],
          ]}
        />
      </Card>

      <Card title="VM">
        <SectionView section={d.vm} what="the VM">
          {(vm) =>
            vm === null ? (
              <p className="text-sm">Not a Compute Engine node (no gce:// provider ID).</p>
            ) : (
              <div className="space-y-3">
                <FactList
                  facts={[
                    ["GCE instance", `${vm.ref.name} (${vm.ref.zone}, ${vm.ref.project})`],
                    ["Status", vm.status ?? "—"],
                    ["Machine type", vm.machineType ?? "—"],
                    ["Network tags", vm.tags.join(", ") || "none"],
                  ]}
                />
                <Table caption="Access configs">
                  <THead>
                    <tr>
                      <Th>Interface</Th>
                      <Th>Network</Th>
                      <Th>Internal IP</Th>
                      <Th>Access config</Th>
                      <Th>External IP</Th>
                    </tr>
                  </THead>
                  <TBody>
                    {vm.networkInterfaces.flatMap((ni) =>
                      (ni.accessConfigs.length ? ni.accessConfigs : [null]).map((ac, i) => (
                        <tr key={`${ni.name}-${i}`}>
                          <Td>{ni.name}</Td>
                          <Td>{ni.network}</Td>
                          <Td>{ni.networkIP}</Td>
                          <Td>{ac ? `${ac.name} (${ac.type})` : "none"}</Td>
                          <Td>{ac?.natIP ?? "—"}</Td>
                        </tr>
                      )),
                    )}
                  </TBody>
                </Table>
              </div>
            )
          }
        </SectionView>
      </Card>

      <Card title="Effective firewall rules">
        <SectionView section={d.firewalls} what="firewall rules">
          {(rules) =>
            rules === null ? (
              <p className="text-sm">No VM, so no VPC firewall rules apply.</p>
            ) : (
              <Table caption="Effective firewall rules, in evaluation order">
                <THead>
                  <tr>
                    <Th>Priority</Th>
                    <Th>Rule</Th>
                    <Th>Direction</Th>
                    <Th>Action</Th>
                    <Th>Protocols</Th>
                    <Th>Sources / destinations</Th>
                    <Th>Target tags</Th>
                  </tr>
                </THead>
                <TBody>
                  {rules.length === 0 && <EmptyRow colSpan={7}>No rules apply.</EmptyRow>}
                  {rules.map((r) => (
                    <tr key={r.name}>
                      <Td>{r.priority ?? 1000}</Td>
                      <Td>
                        {r.name}
                        {r.disabled && " (disabled)"}
                      </Td>
                      <Td>{r.direction}</Td>
                      <Td>{r.action === "deny" ? <Badge tone="red">deny</Badge> : <Badge tone="green">allow</Badge>}</Td>
                      <Td>{r.rules.join(", ")}</Td>
                      <Td>{(r.direction === "EGRESS" ? r.destinationRanges : r.sourceRanges).join(", ") || "—"}</Td>
                      <Td>{r.targetTags.join(", ") || "all instances"}</Td>
                    </tr>
                  ))}
                </TBody>
              </Table>
            )
          }
        </SectionView>
      </Card>

      <Card title="Pods on this node">
        <SectionView section={d.pods} what="pods on this node">
          {(page) => (
            <div className="space-y-2">
              <Table caption="Pods on this node">
                <THead>
                  <tr>
                    <Th>Pod</Th>
                    <Th>Namespace</Th>
                    <Th>Phase</Th>
                    <Th>Owner</Th>
                  </tr>
                </THead>
                <TBody>
                  {page.items.length === 0 && <EmptyRow colSpan={4}>No pods.</EmptyRow>}
                  {page.items.map((pod) => (
                    <tr key={`${pod.namespace}/${pod.name}`}>
                      <Td>
                        <Link href={podHref(cluster, pod.namespace, pod.name)}>{pod.name}</Link>
                        {pod.quarantined && (
                          <span className="ml-2">
                            <Badge tone="red">quarantine</Badge>
                          </span>
                        )}
                      </Td>
                      <Td>{pod.namespace}</Td>
                      <Td>{pod.phase}</Td>
                      <Td>{pod.owner ? `${pod.owner.kind}/${pod.owner.name}` : "—"}</Td>
                    </tr>
                  ))}
                </TBody>
              </Table>
              <NextPageLink base={base} params={{}} cont={page.continue} label="Next page of pods" />
            </div>
          )}
        </SectionView>
      </Card>
    </div>
  );
}
