import type { Metadata } from "next";
import Link from "next/link";
import { Badge } from "@/components/clusters/badge";
import { ClusterNav } from "@/components/clusters/cluster-nav";
import { FactList } from "@/components/clusters/fact-list";
import { clusterHref, nodeHref } from "@/components/clusters/format";
import { LoadError } from "@/components/clusters/load-error";
import { NotAllowed } from "@/components/clusters/not-allowed";
import { OpenIncidentSlot } from "@/components/pods/open-incident-slot";
import { SectionView } from "@/components/pods/section";
import { Card } from "@/components/ui/card";
import { EmptyRow, Table, TBody, Td, Th, THead } from "@/components/ui/table";
import { getPodDetail } from "@/lib/clusters/get-pod-detail";
import { requireBrowser } from "@/lib/clusters/page-guard";
import { loadForPage } from "@/lib/clusters/page-load";
import { pageParam } from "@/lib/clusters/page-params";
import { selectorMapToString } from "@/lib/clusters/selectors";

export const metadata: Metadata = { title: "Pod" };
export const dynamic = "force-dynamic";

type Props = { params: Promise<{ cluster: string; namespace: string; name: string }> };

export default async function PodPage({ params }: Props) {
  const p = await params;
  const cluster = pageParam("cluster", p.cluster);
  const namespace = pageParam("namespace", p.namespace);
  const name = pageParam("name", p.name);
  const who = await requireBrowser(clusterHref(cluster, `/pods/${namespace}/${name}`));
  if ("forbidden" in who) return <NotAllowed title={`Pod ${namespace}/${name}`} />;
  const res = await loadForPage(() => getPodDetail(cluster, namespace, name));
  if (!res.ok) {
    return (
      <div className="space-y-4">
        <h1 className="text-2xl font-semibold">
          Pod {namespace}/{name}
        </h1>
        <ClusterNav cluster={cluster} current="/pods" />
        <LoadError what="the pod" message={res.message} />
      </div>
    );
  }
  const d = res.data;
  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <h1 className="text-2xl font-semibold">
          Pod {namespace}/{name} {d.pod.quarantined && <Badge tone="red">quarantine</Badge>}
        </h1>
        <OpenIncidentSlot cluster={cluster} namespace={namespace} pod={name} />
      </div>
      <ClusterNav cluster={cluster} current="/pods" />

      <Card title="Pod">
        <FactList
          facts={[
            ["Phase", d.pod.phase],
            ["Ready", d.pod.ready],
            ["Restarts", String(d.pod.restarts)],
            ["Pod IP", d.pod.podIP ?? "—"],
            ["Service account", d.pod.serviceAccount ?? "—"],
            ["QoS", d.pod.qosClass ?? "—"],
            ["Created", d.pod.createdAt ?? "—"],
            [
              "Labels",
              <code key="l" className="text-xs">
                {selectorMapToString(d.pod.labels) || "(none)"}
              </code>,
            ],
            [
              "Annotations",
              <ul key="a" className="text-xs">
                {Object.entries(d.pod.annotations).map(([k, v]) => (
                  <li key={k}>
                    <code>
                      {k}: {v.length > 200 ? v.slice(0, 200) + "…" : v}
                    </code>
                  </li>
                ))}
              </ul>,
            ],
          ]}
        />
      </Card>

      <Card title="Owner chain">
        {d.ownerChain.length === 0 ? (
          <p className="text-sm">No controller: a bare pod (deleting it does not bring it back).</p>
        ) : (
          <ol aria-label="Owner chain" className="flex flex-wrap items-center gap-2 text-sm">
            <li>Pod {name}</li>
            {d.ownerChain.map((o) => (
              <li key={`${o.kind}/${o.name}`}>
                → {o.kind} <strong>{o.name}</strong>
                {o.missing && " (deleted)"}
                {o.error && <span className="text-red-800"> ({o.error})</span>}
              </li>
            ))}
          </ol>
        )}
      </Card>

      <Card title="Containers">
        <Table caption="Containers">
          <THead>
            <tr>
              <Th>Container</Th>
              <Th>Image</Th>
              <Th>State</Th>
              <Th>Ready</Th>
              <Th>Restarts</Th>
              <Th>Ports</Th>
            </tr>
          </THead>
          <TBody>
            {d.containers.map((c) => (
              <tr key={`${c.init}-${c.name}`}>
                <Td>
                  {c.name}
                  {c.init && " (init)"}
                </Td>
                <Td>
                  <code className="text-xs">{c.image}</code>
                </Td>
                <Td>{c.state ?? "—"}</Td>
                <Td>{c.ready === null ? "—" : c.ready ? "yes" : "no"}</Td>
                <Td>{c.restartCount}</Td>
                <Td>{c.ports.join(", ") || "—"}</Td>
              </tr>
            ))}
          </TBody>
        </Table>
      </Card>

      <div className="grid gap-4 md:grid-cols-2">
        <Card title="Services selecting this pod">
          <SectionView section={d.services} what="services">
            {(svcs) =>
              svcs.length === 0 ? (
                <p className="text-sm">No Service selects this pod.</p>
              ) : (
                <ul className="text-sm">
                  {svcs.map((s) => (
                    <li key={s.name}>
                      <Link href={`${clusterHref(cluster, "/services")}?namespace=${namespace}`}>{s.name}</Link> ({s.type}){" "}
                      <code className="text-xs">{selectorMapToString(s.selector)}</code>
                    </li>
                  ))}
                </ul>
              )
            }
          </SectionView>
        </Card>
        <Card title="NetworkPolicies selecting this pod">
          <SectionView section={d.networkPolicies} what="network policies">
            {(nps) =>
              nps.length === 0 ? (
                <p className="text-sm">No NetworkPolicy selects this pod: all traffic is allowed.</p>
              ) : (
                <ul className="text-sm">
                  {nps.map((n) => (
                    <li key={n.name}>
                      <Link href={`${clusterHref(cluster, "/networkpolicies")}?namespace=${namespace}`}>{n.name}</Link> ({n.policyTypes.join(", ")}){" "}
                      <code className="text-xs">{n.podSelector}</code>
                    </li>
                  ))}
                </ul>
              )
            }
          </SectionView>
        </Card>
      </div>

      <Card title="Node and VM">
        <SectionView section={d.node} what="the node">
          {(node) =>
            node === null ? (
              <p className="text-sm">Not scheduled yet.</p>
            ) : (
              <FactList
                facts={[
                  [
                    "Node",
                    <Link key="n" href={nodeHref(cluster, node.name)}>
                      {node.name}
                    </Link>,
                  ],
                  ["Node ready", node.ready ? "yes" : "no"],
                  ["Cordoned", node.cordoned ? "yes" : "no"],
                ]}
              />
            )
          }
        </SectionView>
        <div className="mt-3">
          <SectionView section={d.vm} what="the VM">
            {(vm) =>
              vm === null ? null : (
                <FactList
                  facts={[
                    ["GCE instance", `${vm.ref.name} (${vm.ref.zone}, ${vm.ref.project})`],
                    ["VM status", vm.status ?? "—"],
                    ["Network tags", vm.tags.join(", ") || "none"],
                    ["External IPs", vm.networkInterfaces.flatMap((ni) => ni.accessConfigs.map((a) => a.natIP).filter(Boolean)).join(", ") || "none"],
                  ]}
                />
              )
            }
          </SectionView>
        </div>
      </Card>

      <Card title="Recent events">
        <SectionView section={d.events} what="events">
          {(events) => (
            <Table caption="Recent events">
              <THead>
                <tr>
                  <Th>Last seen</Th>
                  <Th>Type</Th>
                  <Th>Reason</Th>
                  <Th>Message</Th>
                  <Th>Count</Th>
                </tr>
              </THead>
              <TBody>
                {events.length === 0 && <EmptyRow colSpan={5}>No recent events.</EmptyRow>}
                {events.map((e, i) => (
                  <tr key={i}>
                    <Td className="whitespace-nowrap">{e.lastSeen ?? "—"}</Td>
                    <Td>{e.type === "Warning" ? <Badge tone="amber">Warning</Badge> : e.type}</Td>
                    <Td>{e.reason}</Td>
                    <Td>{e.message}</Td>
                    <Td>{e.count}</Td>
                  </tr>
                ))}
              </TBody>
            </Table>
          )}
        </SectionView>
      </Card>

      {d.logs.map((l) => (
        <Card key={l.container} title={`Log tail: ${l.container}`}>
          {l.error ? (
            <LoadError what={`logs of ${l.container}`} message={l.error} />
          ) : (
            // Long lines wrap rather than widen the page; the tail scrolls within itself, so it is a
            // named region a keyboard can focus and scroll.
            <pre
              role="region"
              tabIndex={0}
              aria-label={`Last log lines of ${l.container}`}
              className="max-h-96 overflow-auto whitespace-pre-wrap break-words rounded bg-slate-950 p-3 text-xs text-slate-100"
            >
              {l.lines || "(no output)"}
            </pre>
          )}
        </Card>
      ))}
    </div>
  );
}
