import { randomUUID } from "node:crypto";
import type { SimCluster } from "../kube/cluster";
import type { KObject } from "../kube/types";
import type { World } from "../world";
import { MINER } from "../scenarios/compromise";

// What the detectors would say about the demo's compromised pod: Falco (through Falcosidekick's
// webhook output, FalcoPayload) about the miner's pool connection, and Security Command
// Center's Container Threat Detection (a NotificationMessage in a Pub/Sub push envelope) about
// the dropped binary it runs. Ids are random UUIDs, not world.random: sending must not shift
// the seeded names. Times are real time: the receiver is outside the simulation.

type PodFacts = { namespace: string; name: string; node: string; container: string; image: string; containerId: string; ip: string };

function facts(pod: KObject): PodFacts {
  const spec = pod.spec as { nodeName?: string; containers?: { name: string; image: string }[] };
  const status = pod.status as { podIP?: string; containerStatuses?: { name: string; containerID?: string }[] } | undefined;
  const c = spec.containers?.[0];
  const id = status?.containerStatuses?.find((s) => s.name === c?.name)?.containerID ?? "";
  return {
    namespace: pod.metadata.namespace ?? "default",
    name: pod.metadata.name,
    node: spec.nodeName ?? "",
    container: c?.name ?? "",
    image: c?.image ?? "",
    containerId: id.replace(/^[a-z]+:\/\//, "").slice(0, 12),
    ip: status?.podIP ?? "",
  };
}

export function falcoAlert(cluster: SimCluster, pod: KObject): Record<string, unknown> {
  const p = facts(pod);
  const now = new Date().toISOString();
  const connection = `${p.ip}:${MINER.localPort}->${MINER.pool.ip}:${MINER.pool.port}`;
  // proc.cmdline is the process name and its arguments.
  const cmdline = [MINER.name, ...MINER.argv.slice(1)].join(" ");
  return {
    uuid: randomUUID(),
    output: `${now}: Critical Outbound connection to IP/Port flagged by https://cryptoioc.ch (proc.cmdline=${cmdline} connection=${connection} user.name=app container.id=${p.containerId} image=${p.image}) k8s.ns.name=${p.namespace} k8s.pod.name=${p.name}`,
    priority: "Critical",
    rule: "Detect outbound connections to common miner pool ports",
    time: now,
    output_fields: {
      "container.id": p.containerId,
      "container.image.repository": p.image.split(":")[0],
      "evt.time": Date.now() * 1_000_000,
      "fd.name": connection,
      "k8s.ns.name": p.namespace,
      "k8s.pod.name": p.name,
      "proc.cmdline": cmdline,
      "user.name": "app",
      // A Falcosidekick custom field (customfields: cluster:<name>), for ALERT_FALCO_CLUSTER_FIELD=cluster.
      cluster: cluster.name,
    },
    source: "syscall",
    tags: ["container", "host", "maturity_sandbox", "mitre_impact", "network", "T1496"],
    hostname: p.node,
  };
}

export function sccFinding(world: World, cluster: SimCluster, pod: KObject): Record<string, unknown> {
  const p = facts(pod);
  const now = new Date().toISOString();
  const findingId = randomUUID().replace(/-/g, "");
  return {
    notificationConfigName: `organizations/123456789012/notificationConfigs/airlock`,
    finding: {
      name: `organizations/123456789012/sources/1234567890123456789/findings/${findingId}`,
      parent: "organizations/123456789012/sources/1234567890123456789",
      resourceName: `//container.googleapis.com/projects/${world.project}/${/-[a-z]$/.test(cluster.location) ? "zones" : "locations"}/${cluster.location}/clusters/${cluster.name}`,
      state: "ACTIVE",
      category: "Execution: Added Binary Executed",
      findingClass: "THREAT",
      severity: "CRITICAL",
      eventTime: now,
      createTime: now,
      description: "A binary that was not part of the original container image was loaded and executed.",
      mitreAttack: { primaryTactic: "EXECUTION", primaryTechniques: ["NATIVE_API"], version: "8" },
      indicator: { ipAddresses: [MINER.pool.ip] },
      processes: [{ name: MINER.name, binary: { path: MINER.path }, args: [...MINER.argv], pid: String(MINER.pid) }],
      kubernetes: {
        pods: [{ ns: p.namespace, name: p.name, containers: [{ name: p.container, uri: p.image }] }],
        nodes: [{ name: p.node }],
      },
    },
  };
}

/** The push envelope Pub/Sub posts for one message. */
export function pushEnvelope(world: World, notification: Record<string, unknown>): Record<string, unknown> {
  const messageId = String(Date.now()) + String(Math.floor(Math.random() * 1e6)).padStart(6, "0");
  return {
    message: {
      attributes: {},
      data: Buffer.from(JSON.stringify(notification)).toString("base64"),
      messageId,
      message_id: messageId,
      publishTime: new Date().toISOString(),
      publish_time: new Date().toISOString(),
    },
    subscription: `projects/${world.project}/subscriptions/scc-findings-airlock`,
  };
}
