import "server-only";
import { randomBytes } from "node:crypto";
import { z } from "zod";
import type { V1LabelSelector, V1NetworkPolicy, V1NetworkPolicyPeer, V1ObjectMeta, V1Pod } from "@kubernetes/client-node";
import { mapLimit } from "@/lib/clusters/map-limit";
import { getCluster } from "@/lib/clusters/registry";
import { config } from "@/lib/config";
import { HttpError } from "@/lib/http/errors";
import { defineStep, type Change, type StepContext, type Warning } from "../types";
import { applyDenyAll } from "./apply-deny-all";
import {
  addressesIn,
  hostInIpBlock,
  inIpBlock,
  labelsSatisfying,
  layerVerdict,
  ncResult,
  parseProcNetTcp,
  peerLabel,
  RESULTS,
  type LayerVerdict,
  type ProbeResult,
} from "./support/attest";
import { artifactSchema, jsonArtifact } from "./support/artifacts";
import { kubectl } from "./support/commands";
import { addEphemeralContainer, execInContainer } from "./support/ephemeral";
import { dualStackSubnet, EGRESS_DENY, effectiveFirewalls, effectiveSummarySchema, INGRESS_DENY, QUARANTINE_RULES_V6 } from "./support/firewall";
import { DENY_ALL_NAME } from "./support/policies";
import { instanceOf } from "./support/gcp";
import { apis, isNotFound, kubeMessage, podGone, readIncidentPod, readOrNull, sleep, withRetry } from "./support/kube";
import { labelSelectorMatches, serviceSelectorMatches, type Labels } from "./support/selectors";

// Attests the quarantined pod's isolation by trying it, in both directions, from where the
// policies say traffic may come and go. Ingress: a probe pod per source the pod's policies
// admitted when the incident opened (labels and namespace of each `from` peer), plus an
// arbitrary pod on another node and one on the pod's own node, each trying every declared and
// listening port. Egress: an ephemeral container in the pod's own network namespace runs nc to
// the addresses the evidence names, kube-dns, the API server, the metadata server, a public
// address and every destination an egress rule allowed. Only a TCP timeout (a dropped packet)
// counts as isolated: a refusal is a reply from the far end, and UDP silence (busybox reads it as
// "open") proves nothing either way, so it is recorded as no-reply and proves no layer. Read-only
// for the workload; the ephemeral container stays in the pod spec (Kubernetes never removes one).

export const PROBE_LABEL = "airlock.io/probe";
const EPHEMERAL_PREFIX = "airlock-attest-";
// How long nc waits for an answer before a probe counts as dropped. Linux resends an unanswered
// SYN after 1 s, so 3 s covers a lost first SYN and its retry on a healthy cluster network: an
// allowed connection answers in milliseconds. Shorter would let a slow reply read as isolated.
const NC_TIMEOUT_S = 3;
// Probes run side by side: a blocked one waits out the whole nc timeout, so one after another
// they would take the timeout times their number. Bounded so a pod with many ports and
// destinations does not hold dozens of exec streams open on the API server at once.
const PROBE_CONCURRENCY = 8;
// How often to read a probe pod (or the pod, for the ephemeral container) while its kubelet
// starts it, for 30 s at most: the ingress probes cannot begin before the pods run, so a coarse
// poll adds its interval to every attestation; a few reads a second per pod are cheap.
const START_POLL_MS = 200;
const START_POLL_TRIES = 150;
const METADATA = { ip: "169.254.169.254", port: 80 };
const PUBLIC = { ip: "1.1.1.1", port: 443 };
const MAX_EGRESS_TARGETS = 40;

const params = z.object({});

const protocolSchema = z.enum(["TCP", "UDP"]);
/** Where ingress probes stand: a peer a recorded policy admits, or an arbitrary pod on another node or the pod's own. */
type Source = { id: string; kind: "peer" | "other-node" | "same-node"; namespace: string; labels: Labels; node: string; why: string };
type Target = { host: string; port: number; protocol: "TCP" | "UDP"; why: string };

const probe = z.object({
  source: z.string(),
  target: z.string(),
  port: z.number(),
  protocol: protocolSchema,
  result: z.enum(RESULTS),
  detail: z.string().optional(),
  why: z.string().optional(),
});
type Probe = z.output<typeof probe>;
const verdict = z.object({ state: z.enum(["isolated", "not-isolated", "unknown"]), why: z.string() });

const record = z.object({
  at: z.string(),
  pod: z.string(),
  podIP: z.string(),
  node: z.string().nullable(),
  image: z.string(),
  ephemeralContainer: z.object({ name: z.string(), reused: z.boolean() }).nullable(),
  probePods: z.array(
    z.object({ name: z.string(), namespace: z.string(), node: z.string(), source: z.string(), ip: z.string().nullable(), deleted: z.boolean() }),
  ),
  policies: z.object({ recorded: z.array(z.string()), missing: z.array(z.string()) }),
  uncovered: z.array(z.string()),
  listening: z.array(z.object({ port: z.number(), protocol: protocolSchema })),
  ingress: z.array(probe),
  egress: z.array(probe),
  enforcement: z.object({ enforced: z.boolean().nullable(), reason: z.string(), datapath: z.string().nullable() }),
  established: z.object({
    datapath: z.string(),
    shown: z.string(),
    connections: z.array(z.object({ local: z.string(), remote: z.string(), state: z.string(), stalled: z.boolean() })),
  }),
  firewalls: effectiveSummarySchema.nullable(),
  verdicts: z.object({ podIngress: verdict, podEgress: verdict, nodeNetwork: verdict }),
  document: artifactSchema,
});
type RunRecord = z.output<typeof record>;
/** The attestation as the board and the wizard read it. */
export type Attestation = RunRecord;

type Data = {
  podIP: string;
  ports: { port: number; protocol: "TCP" | "UDP" }[];
  sources: Source[];
  ipBlocks: { cidr: string; except: string[]; policy: string }[];
  targets: Target[];
  uncovered: string[];
  missingPolicies: string[];
  reuse: string | null;
};

function declaredPorts(pod: V1Pod): { port: number; protocol: "TCP" | "UDP" }[] {
  const seen = new Map<string, { port: number; protocol: "TCP" | "UDP" }>();
  for (const c of pod.spec?.containers ?? []) {
    for (const p of c.ports ?? []) {
      const protocol = (p.protocol ?? "TCP").toUpperCase();
      if (protocol === "TCP" || protocol === "UDP") seen.set(`${protocol}/${p.containerPort}`, { port: p.containerPort, protocol });
    }
  }
  return [...seen.values()].sort((a, b) => a.port - b.port || a.protocol.localeCompare(b.protocol));
}

async function otherNode(ctx: StepContext, exclude: string | null | undefined): Promise<string | null> {
  const nodes = await withRetry(() => apis(ctx).core.listNode({}));
  const ready = nodes.items.filter(
    (n) =>
      n.metadata?.name !== exclude &&
      n.spec?.unschedulable !== true &&
      !(n.spec?.taints ?? []).some((t) => t.effect === "NoSchedule" || t.effect === "NoExecute") &&
      (n.status?.conditions ?? []).some((c) => c.type === "Ready" && c.status === "True"),
  );
  return ready.map((n) => n.metadata?.name ?? "").sort()[0] ?? null;
}

/** Controllers that would adopt a probe carrying these labels: such a probe is never started. */
async function adopters(ctx: StepContext, namespace: string, labels: Labels): Promise<string[]> {
  const a = apis(ctx);
  const [rs, sts, ds, jobs] = await Promise.all([
    withRetry(() => a.apps.listNamespacedReplicaSet({ namespace })),
    withRetry(() => a.apps.listNamespacedStatefulSet({ namespace })),
    withRetry(() => a.apps.listNamespacedDaemonSet({ namespace })),
    withRetry(() => a.batch.listNamespacedJob({ namespace })),
  ]);
  const controllers: [string, { metadata?: V1ObjectMeta; spec?: { selector?: V1LabelSelector } }[]][] = [
    ["ReplicaSet", rs.items],
    ["StatefulSet", sts.items],
    ["DaemonSet", ds.items],
    ["Job", jobs.items],
  ];
  return controllers.flatMap(([kind, items]) => items.filter((o) => labelSelectorMatches(o.spec?.selector, labels)).map((o) => `${kind} ${o.metadata?.name}`));
}

const labelText = (l: Labels) =>
  Object.entries(l)
    .map(([k, v]) => `${k}=${v}`)
    .join(",") || "no labels";

/** The namespaces a peer's namespaceSelector picks, the policy's own first; just the policy's without one. */
async function peerNamespaces(ctx: StepContext, policyNs: string, peer: V1NetworkPolicyPeer): Promise<string[]> {
  if (!peer.namespaceSelector) return [policyNs];
  const all = await withRetry(() => apis(ctx).core.listNamespace({}));
  const names = all.items.filter((n) => labelSelectorMatches(peer.namespaceSelector, n.metadata?.labels ?? {})).map((n) => n.metadata!.name!);
  return names.sort((a, b) => (a === policyNs ? -1 : b === policyNs ? 1 : a.localeCompare(b)));
}

/**
 * The policies that selected the pod when the incident opened (recorded then: exclude-from-policies
 * makes them stop selecting it, yet what they admitted is what the deny-all must stop), as they
 * read now, plus any other policy that selects the pod now (Airlock's deny-all aside).
 */
async function policiesToAttest(ctx: StepContext, pod: V1Pod): Promise<{ policies: V1NetworkPolicy[]; missing: string[] }> {
  const t = ctx.incident.targets;
  const policies: V1NetworkPolicy[] = [];
  const missing: string[] = [];
  for (const name of t.networkPolicies) {
    const p = await readOrNull(() => apis(ctx).networking.readNamespacedNetworkPolicy({ name, namespace: t.namespace }));
    if (p) policies.push(p);
    else missing.push(name);
  }
  const live = await withRetry(() => apis(ctx).networking.listNamespacedNetworkPolicy({ namespace: t.namespace }));
  for (const p of live.items) {
    const name = p.metadata?.name;
    if (name && name !== DENY_ALL_NAME && !t.networkPolicies.includes(name) && labelSelectorMatches(p.spec?.podSelector, pod.metadata?.labels ?? {}))
      policies.push(p);
  }
  return { policies, missing };
}

/** Ingress sources the recorded policies admit, and what no probe can stand in for. */
async function admittedSources(ctx: StepContext, policies: V1NetworkPolicy[], probeNode: string) {
  const t = ctx.incident.targets;
  const sources: Source[] = [];
  const ipBlocks: Data["ipBlocks"] = [];
  const uncovered: string[] = [];
  for (const p of policies) {
    const name = p.metadata?.name ?? "";
    for (const rule of p.spec?.ingress ?? []) {
      for (const peer of rule._from ?? []) {
        const what = `${name}: ${peerLabel(peer)}`;
        if (peer.ipBlock) {
          ipBlocks.push({ cidr: peer.ipBlock.cidr, except: peer.ipBlock.except ?? [], policy: name });
          continue;
        }
        const labels = peer.podSelector ? labelsSatisfying(peer.podSelector) : {};
        if (!labels) {
          uncovered.push(`${what} (no labels satisfy the selector)`);
          continue;
        }
        const [namespace] = await peerNamespaces(ctx, p.metadata?.namespace ?? t.namespace, peer);
        if (!namespace) {
          uncovered.push(`${what} (no namespace matches; Airlock does not create namespaces to probe from)`);
          continue;
        }
        const adopting = await adopters(ctx, namespace, labels);
        if (adopting.length) {
          uncovered.push(`${what} (a probe with ${labelText(labels)} would be adopted by ${adopting.join(", ")})`);
          continue;
        }
        const id = `${namespace}/${labelText(labels)}`;
        if (!sources.some((s) => s.id === id)) sources.push({ id, kind: "peer", namespace, labels, node: probeNode, why: `admitted by ${what}` });
      }
    }
  }
  return { sources, ipBlocks, uncovered };
}

/** Destinations an egress rule of the recorded policies allows, as addresses a probe can try. */
async function allowedDestinations(ctx: StepContext, policies: V1NetworkPolicy[], uncovered: string[]): Promise<Target[]> {
  const out: Target[] = [];
  for (const p of policies) {
    const name = p.metadata?.name ?? "";
    for (const rule of p.spec?.egress ?? []) {
      const ports = (rule.ports ?? []).flatMap((rp) =>
        typeof rp.port === "number" ? [{ port: rp.port, protocol: (rp.protocol ?? "TCP").toUpperCase() as "TCP" | "UDP" }] : [],
      );
      if ((rule.ports ?? []).some((rp) => rp.port !== undefined && typeof rp.port !== "number")) uncovered.push(`${name}: a named egress port (not probed)`);
      for (const peer of rule.to ?? []) {
        const why = `allowed by ${name}: ${peerLabel(peer)}`;
        if (peer.ipBlock) {
          const host = hostInIpBlock({ cidr: peer.ipBlock.cidr, except: peer.ipBlock.except });
          if (!host) uncovered.push(`${why} (no IPv4 address to aim at)`);
          else for (const pp of ports.length ? ports : [{ port: 443, protocol: "TCP" as const }]) out.push({ host, ...pp, why });
          continue;
        }
        const namespaces = await peerNamespaces(ctx, p.metadata?.namespace ?? ctx.incident.targets.namespace, peer);
        let found: V1Pod | undefined;
        for (const ns of namespaces) {
          const pods = await withRetry(() => apis(ctx).core.listNamespacedPod({ namespace: ns }));
          found = pods.items.find(
            (x) =>
              x.status?.phase === "Running" &&
              x.status.podIP &&
              x.metadata?.name !== ctx.incident.targets.pod &&
              (!peer.podSelector || labelSelectorMatches(peer.podSelector, x.metadata?.labels ?? {})),
          );
          if (found) break;
        }
        if (!found?.status?.podIP) {
          uncovered.push(`${why} (no running pod matches)`);
          continue;
        }
        const portsToTry = ports.length ? ports : declaredPorts(found);
        for (const pp of portsToTry) out.push({ host: found.status.podIP, ...pp, why: `${why} (pod ${found.metadata?.namespace}/${found.metadata?.name})` });
      }
    }
  }
  return out;
}

/** Remote addresses the pod's logs and events name (the miner pool of the demo's pod, a C2 host). */
async function evidenceAddresses(ctx: StepContext, pod: V1Pod): Promise<Target[]> {
  const t = ctx.incident.targets;
  const texts: string[] = [];
  for (const c of pod.spec?.containers ?? []) {
    try {
      texts.push(
        String(await withRetry(() => apis(ctx).core.readNamespacedPodLog({ name: t.pod, namespace: t.namespace, container: c.name, tailLines: 2000 }))),
      );
    } catch {
      // A container without logs names nothing.
    }
  }
  const events = await withRetry(() => apis(ctx).core.listNamespacedEvent({ namespace: t.namespace, fieldSelector: `involvedObject.name=${t.pod}` })).catch(
    () => ({ items: [] }),
  );
  for (const e of events.items) texts.push(e.message ?? "");
  const own = pod.status?.podIP;
  return addressesIn(texts.join("\n"))
    .filter((a) => a.ip !== own)
    .map((a) => ({ host: a.ip, port: a.port, protocol: "TCP" as const, why: "named in the pod's logs or events" }));
}

async function serviceAddress(ctx: StepContext, namespace: string, name: string): Promise<string | null> {
  const svc = await readOrNull(() => apis(ctx).core.readNamespacedService({ name, namespace }));
  const ip = svc?.spec?.clusterIP;
  return ip && ip !== "None" ? ip : null;
}

async function standardTargets(ctx: StepContext, uncovered: string[]): Promise<Target[]> {
  const out: Target[] = [];
  const dns = await serviceAddress(ctx, "kube-system", "kube-dns");
  if (dns) out.push({ host: dns, port: 53, protocol: "UDP", why: "kube-dns" }, { host: dns, port: 53, protocol: "TCP", why: "kube-dns" });
  else uncovered.push("kube-dns (no Service kube-system/kube-dns)");
  const api = await serviceAddress(ctx, "default", "kubernetes");
  if (api) out.push({ host: api, port: 443, protocol: "TCP", why: "the API server (Service default/kubernetes)" });
  else uncovered.push("the API server (no Service default/kubernetes)");
  out.push({ host: METADATA.ip, port: METADATA.port, protocol: "TCP", why: "the metadata server (node credentials)" });
  out.push({ host: PUBLIC.ip, port: PUBLIC.port, protocol: "TCP", why: "a public address" });
  return out;
}

function dedupeTargets(targets: Target[]): Target[] {
  const seen = new Map<string, Target>();
  for (const x of targets) if (!seen.has(`${x.host}:${x.port}/${x.protocol}`)) seen.set(`${x.host}:${x.port}/${x.protocol}`, x);
  return [...seen.values()].slice(0, MAX_EGRESS_TARGETS);
}

/** A running ephemeral container an earlier attestation left: reused, so re-running does not grow the pod spec. */
function reusableContainer(pod: V1Pod): string | null {
  const image = config().attestImage;
  const ours = new Set((pod.spec?.ephemeralContainers ?? []).filter((c) => c.name.startsWith(EPHEMERAL_PREFIX) && c.image === image).map((c) => c.name));
  return (pod.status?.ephemeralContainerStatuses ?? []).find((s) => ours.has(s.name) && s.state?.running)?.name ?? null;
}

const nc = (host: string, port: number, protocol: string) => ["nc", `-zv${protocol === "UDP" ? "u" : ""}`, "-w", String(NC_TIMEOUT_S), host, String(port)];

async function tryPort(ctx: StepContext, at: { namespace: string; pod: string; container: string }, host: string, port: number, protocol: "TCP" | "UDP") {
  try {
    const out = await execInContainer(ctx, { ...at, command: nc(host, port, protocol) });
    return ncResult(out, protocol);
  } catch (err) {
    return { result: "error" as ProbeResult, detail: err instanceof HttpError ? err.message : kubeMessage(err) };
  }
}

function probeManifest(ctx: StepContext, name: string, s: Source) {
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: {
      name,
      namespace: s.namespace,
      labels: { ...s.labels, [PROBE_LABEL]: ctx.incident.id.slice(0, 63), "app.kubernetes.io/managed-by": "airlock" },
    },
    spec: {
      restartPolicy: "Never",
      // Straight onto the node, past the scheduler: the pod's own node may be cordoned.
      nodeName: s.node,
      tolerations: [{ operator: "Exists" }],
      automountServiceAccountToken: false,
      terminationGracePeriodSeconds: 0,
      // Ends itself if deleting it fails; never Ready, so no Service sends it traffic.
      activeDeadlineSeconds: 600,
      containers: [
        {
          name: "probe",
          image: config().attestImage,
          command: ["sleep", "600"],
          readinessProbe: { exec: { command: ["false"] }, periodSeconds: 3600 },
        },
      ],
    },
  };
}

type Started = { name: string; source: Source; ip: string | null; problem?: string };

/** Creates the probe pod. Never rejects: a pod that could not be created carries its `problem`. */
async function createProbePod(ctx: StepContext, s: Source): Promise<Started> {
  const name = `airlock-probe-${randomBytes(3).toString("hex")}`;
  try {
    await withRetry(() => apis(ctx).core.createNamespacedPod({ namespace: s.namespace, body: probeManifest(ctx, name, s) }));
    return { name, source: s, ip: null };
  } catch (err) {
    return { name, source: s, ip: null, problem: `could not start probe pod: ${kubeMessage(err)}` };
  }
}

/** Waits for a created probe pod's IP. Never rejects: whatever went wrong is the probe's `problem`, and the caller deletes it by name. */
async function probePodRunning(ctx: StepContext, created: Started): Promise<Started> {
  const { name, source: s } = created;
  if (created.problem) return created;
  try {
    await ctx.progress(`Started probe pod ${s.namespace}/${name} on ${s.node} (${s.why})`, { pod: name, namespace: s.namespace, node: s.node });
    for (let i = 0; i < START_POLL_TRIES; i++) {
      const p = await readOrNull(() => apis(ctx).core.readNamespacedPod({ name, namespace: s.namespace }));
      if (p?.status?.phase === "Running" && p.status.podIP) return { name, source: s, ip: p.status.podIP };
      if (p?.status?.phase === "Failed" || p?.status?.phase === "Succeeded")
        return { name, source: s, ip: null, problem: `probe pod ended (${p.status.phase})` };
      await sleep(START_POLL_MS);
    }
  } catch (err) {
    return { name, source: s, ip: null, problem: `probe pod could not be read: ${kubeMessage(err)}` };
  }
  return { name, source: s, ip: null, problem: "probe pod did not start in time" };
}

/**
 * Creates every probe pod at once, then, while their kubelets start them, hands `use` a promise
 * for each running pod, so work that needs no probe pod (the ephemeral container, the egress
 * probes) runs meanwhile; deletes them all afterwards, whatever `use` did.
 */
async function withProbePods<T>(ctx: StepContext, sources: Source[], use: (starting: Promise<Started>[]) => Promise<T>) {
  const created = await Promise.all(sources.map((s) => createProbePod(ctx, s)));
  const each = created.map((c) => probePodRunning(ctx, c));
  const starting = Promise.all(each);
  let value: T;
  let started: Started[] = [];
  let probePods: RunRecord["probePods"] = [];
  try {
    value = await use(each);
  } finally {
    started = await starting;
    probePods = await Promise.all(
      started.map(async (p) => ({
        name: p.name,
        namespace: p.source.namespace,
        node: p.source.node,
        source: p.source.why,
        ip: p.ip,
        deleted: await deleteProbePod(ctx, p),
      })),
    );
  }
  return { value, started, probePods };
}

async function deleteProbePod(ctx: StepContext, p: Started): Promise<boolean> {
  try {
    await withRetry(() => apis(ctx).core.deleteNamespacedPod({ name: p.name, namespace: p.source.namespace, gracePeriodSeconds: 0 }));
    return true;
  } catch (err) {
    if (isNotFound(err)) return true;
    await ctx.progress(`Could not delete probe pod ${p.source.namespace}/${p.name}; delete it by hand`, { pod: p.name });
    return false;
  }
}

const ESTABLISHED_BY_DATAPATH: Record<string, string> = {
  ADVANCED_DATAPATH:
    "Dataplane V2 checks policy per packet: once the deny is programmed, packets of established connections are dropped too; the socket in the pod may still read ESTABLISHED (stalled).",
  calico: "Calico tracks connections: a flow established before the deny may survive it. Restart the container (or delete the pod) to cut it.",
  none: "NetworkPolicy is not enforced here: nothing cuts established connections.",
};
const VPC_STATEFUL = "VPC firewall rules are stateful: a new deny rule does not cut connections the VM already has.";

function establishedStatement(enforced: boolean | null, reason: string, datapath: string | null): string {
  const key = enforced === false ? "none" : datapath === "ADVANCED_DATAPATH" ? "ADVANCED_DATAPATH" : /calico/i.test(reason) ? "calico" : null;
  return `${key ? ESTABLISHED_BY_DATAPATH[key] : `Unknown datapath (${reason}): Airlock cannot say whether established connections survive a new deny.`} ${VPC_STATEFUL}`;
}

/**
 * The node is isolated when firewall-isolate's deny rules apply to its VM: on a dual-stack
 * subnetwork (`dualStack`) the IPv6 twins too, or IPv6 still reaches the node. `undefined`: the
 * subnetwork could not be read, so IPv6 isolation is not proven (null would claim IPv4-only).
 */
function nodeVerdict(effective: RunRecord["firewalls"], vm: string | null, dualStack: string | null | undefined): LayerVerdict {
  if (!vm) return { state: "unknown", why: "The pod's node has no Compute Engine VM Airlock could resolve." };
  if (!effective) return { state: "unknown", why: `The effective firewalls of VM ${vm} could not be read.` };
  const names = new Set(effective.map((f) => f.name));
  if (names.has(EGRESS_DENY) && names.has(INGRESS_DENY)) {
    if (dualStack === undefined)
      return { state: "unknown", why: `Whether VM ${vm}'s subnetwork is dual-stack could not be read: IPv6 isolation is not proven.` };
    const missingV6 = dualStack ? QUARANTINE_RULES_V6.filter((n) => !names.has(n)) : [];
    if (missingV6.length) {
      return {
        state: "not-isolated",
        why: `${EGRESS_DENY} and ${INGRESS_DENY} apply to VM ${vm}, but its subnetwork ${dualStack} is dual-stack and ${missingV6.join(" and ")} ${missingV6.length > 1 ? "do" : "does"} not: IPv6 still reaches the node. Run firewall-isolate again.`,
      };
    }
    const denies = dualStack ? [EGRESS_DENY, INGRESS_DENY, ...QUARANTINE_RULES_V6] : [EGRESS_DENY, INGRESS_DENY];
    return {
      state: "isolated",
      why: `${denies.slice(0, -1).join(", ")} and ${denies.at(-1)} apply to VM ${vm} (read from its effective firewalls, not probed; stateful: existing connections survive).`,
    };
  }
  return { state: "not-isolated", why: `No quarantine firewall rule applies to VM ${vm}: run tag-node and firewall-isolate to isolate the node.` };
}

const summaryOf = (probes: Probe[]) => {
  const counts = new Map<string, number>();
  for (const p of probes) counts.set(p.result, (counts.get(p.result) ?? 0) + 1);
  return [...counts].map(([k, n]) => `${n} ${k}`).join(", ") || "none";
};

function headline(r: Pick<RunRecord, "verdicts" | "ingress" | "egress">): { isolated: boolean; message: string } {
  const v = r.verdicts;
  const isolated = v.podIngress.state === "isolated" && v.podEgress.state === "isolated";
  const parts = `ingress ${v.podIngress.state} (${summaryOf(r.ingress)}); egress ${v.podEgress.state} (${summaryOf(r.egress)}); node network ${v.nodeNetwork.state}`;
  const silent = [...r.ingress, ...r.egress].filter((p) => p.result === "no-reply").length;
  if (isolated) return { isolated, message: `Isolated: ${parts}.${silent ? ` UDP not provable by probe: ${silent} UDP probe(s) heard nothing back.` : ""}` };
  const why = [v.podIngress, v.podEgress].filter((x) => x.state !== "isolated").map((x) => x.why);
  return { isolated, message: `NOT ISOLATED: ${parts}. ${why.join(" ")}` };
}

const ageOf = (at: string) => Math.max(0, Math.round((Date.now() - Date.parse(at)) / 60_000));

export const attestIsolation = defineStep<Data, RunRecord>()({
  id: "attest-isolation",
  stage: "network",
  title: "Attest the pod's isolation",
  risk: "read-only",
  role: "analyst",
  summary:
    "Tries the pod in both directions: probe pods standing in every source its policies admitted (plus any pod on another node and on its own node) on each declared and listening port, and nc from an ephemeral container in its network namespace to the evidence's addresses, kube-dns, the API server, the metadata server and a public address. Only a TCP timeout counts as isolated (UDP silence is recorded as no-reply: not proof either way); stores the attestation (JSON, with its SHA-256) as evidence.",
  params,
  record,
  ui: { panel: { kind: "attestation", label: "Last attestation" } },
  needs: {
    kube: [
      { verb: "create", resource: "pods" },
      { verb: "delete", resource: "pods" },
      { verb: "get", resource: "pods" },
      { verb: "list", resource: "pods" },
      { verb: "get", resource: "pods", subresource: "log" },
      { verb: "patch", resource: "pods", subresource: "ephemeralcontainers" },
      { verb: "create", resource: "pods", subresource: "exec" },
      // client-node execs over WebSocket, a GET upgrade: authorized as get before Kubernetes 1.35.
      { verb: "get", resource: "pods", subresource: "exec" },
      { verb: "list", resource: "nodes" },
      { verb: "list", resource: "namespaces", clusterScoped: true },
      { verb: "list", resource: "events" },
      { verb: "get", resource: "services" },
      // Says which Services select a probe's labels.
      { verb: "list", resource: "services" },
      { verb: "get", resource: "networkpolicies", group: "networking.k8s.io" },
      { verb: "list", resource: "networkpolicies", group: "networking.k8s.io" },
      // Refuses probe labels a controller would adopt.
      { verb: "list", resource: "replicasets", group: "apps" },
      { verb: "list", resource: "statefulsets", group: "apps" },
      { verb: "list", resource: "daemonsets", group: "apps" },
      { verb: "list", resource: "jobs", group: "batch" },
    ],
    gcp: ["compute.instances.getEffectiveFirewalls", "compute.instances.get", "compute.subnetworks.get"],
  },

  async plan(ctx) {
    const t = ctx.incident.targets;
    const pod = await readIncidentPod(ctx);
    if (!pod) return { changes: [], commands: [], warnings: [], blocked: podGone(ctx) };
    const ip = pod.status?.podIP;
    if (!ip) return { changes: [], commands: [], warnings: [], blocked: "The pod has no IP address (not running)." };
    const here = pod.spec?.nodeName ?? null;
    const elsewhere = await otherNode(ctx, here);
    const { policies, missing } = await policiesToAttest(ctx, pod);
    const admitted = await admittedSources(ctx, policies, elsewhere ?? here ?? "");
    const uncovered = [...admitted.uncovered, ...missing.map((n) => `${n} (selected the pod when the incident opened; deleted since)`)];
    const sources: Source[] = [...admitted.sources];
    if (elsewhere)
      sources.push({
        id: `other-node`,
        kind: "other-node",
        namespace: t.namespace,
        labels: {},
        node: elsewhere,
        why: `an arbitrary pod on another node (${elsewhere})`,
      });
    else uncovered.push("an arbitrary pod on another node (no other schedulable, Ready node)");
    if (here)
      sources.push({
        id: `same-node`,
        kind: "same-node",
        namespace: t.namespace,
        labels: {},
        node: here,
        why: `an arbitrary pod on the pod's own node (${here})`,
      });
    if (!admitted.sources.length && policies.some((p) => (p.spec?.ingress ?? []).length))
      uncovered.push("no admitted peer could be stood in: the arbitrary pods are the only sources");
    // Named targets first: an address the logs also mention keeps the name that explains it.
    const targets = dedupeTargets([
      ...(await standardTargets(ctx, uncovered)),
      ...(await evidenceAddresses(ctx, pod)),
      ...(await allowedDestinations(ctx, policies, uncovered)),
    ]);
    const reuse = reusableContainer(pod);
    const ports = declaredPorts(pod);
    const services = await withRetry(() => apis(ctx).core.listNamespacedService({ namespace: t.namespace }));
    const warnings: Warning[] = [
      reuse
        ? { level: "info", code: "ephemeral-container", message: `Reuses ephemeral container ${reuse}, left in the pod by an earlier attestation.` }
        : {
            level: "caution",
            code: "ephemeral-container",
            message:
              "Adds an ephemeral container to the pod for the egress probes. Kubernetes cannot remove it: it stays in the pod spec (and in later evidence) until the pod is deleted. The attestation records its name.",
          },
    ];
    const joining = sources.flatMap((s) =>
      services.items.filter((svc) => s.namespace === t.namespace && Object.keys(s.labels).length && serviceSelectorMatches(svc.spec?.selector, s.labels)),
    );
    if (joining.length) {
      warnings.push({
        level: "info",
        code: "probe-service",
        message: `Probe pods carry labels Service${joining.length > 1 ? "s" : ""} ${[...new Set(joining.map((s) => s.metadata?.name))].join(", ")} select; they never turn Ready (failing readiness probe), so no traffic is sent to them.`,
      });
    }
    const deny = ctx.priorRecordOf(applyDenyAll);
    if (deny?.effectiveAt && Date.parse(deny.effectiveAt) > Date.now()) {
      warnings.push({
        level: "caution",
        code: "propagation",
        message: `The deny-all's propagation window runs until ${deny.effectiveAt}: a connected result before then is expected; attest again after.`,
      });
    }
    if (uncovered.length) warnings.push({ level: "info", code: "not-covered", message: `Not probed: ${uncovered.join("; ")}.` });
    const image = config().attestImage;
    // Pasteable: fixed names stand for the random ones a run picks.
    const manual = `${EPHEMERAL_PREFIX}manual`;
    const commands = [
      ...sources.flatMap((s, i) => {
        const name = `airlock-probe-${i + 1}`;
        const labels = Object.keys(s.labels).length ? [`--labels=${labelText(s.labels)}`] : [];
        return [
          kubectl(
            t,
            s.namespace,
            "run",
            name,
            `--image=${image}`,
            "--restart=Never",
            ...labels,
            `--overrides=${JSON.stringify({ spec: { nodeName: s.node } })}`,
            "--",
            "sleep",
            "600",
          ),
          ...ports.map((p) => kubectl(t, s.namespace, "exec", name, "--", ...nc(ip, p.port, p.protocol))),
          kubectl(t, s.namespace, "delete", "pod", name, "--grace-period=0"),
        ];
      }),
      ...(reuse ? [] : [kubectl(t, t.namespace, "debug", t.pod, `--image=${image}`, `--container=${manual}`, "--attach=false", "--", "sleep", "86400")]),
      kubectl(t, t.namespace, "exec", t.pod, "-c", reuse ?? manual, "--", "cat", "/proc/net/tcp"),
      ...targets.map((x) => kubectl(t, t.namespace, "exec", t.pod, "-c", reuse ?? manual, "--", ...nc(x.host, x.port, x.protocol))),
    ];
    const changes: Change[] = [
      ...sources.map((s): Change => ({
        target: `Pod ${s.namespace}/airlock-probe-…`,
        action: "create",
        note: `${labelText(s.labels)} on ${s.node}: nc to ${ip} on ${ports.map((p) => `${p.port}/${p.protocol.toLowerCase()}`).join(", ") || "the listening ports"}; deleted afterwards`,
      })),
      reuse
        ? { target: `Pod ${t.namespace}/${t.pod}`, action: "exec", note: `nc from ephemeral container ${reuse} to ${targets.length} destinations` }
        : {
            target: `Pod ${t.namespace}/${t.pod}`,
            action: "patch",
            field: "spec.ephemeralContainers",
            after: `${EPHEMERAL_PREFIX}… (${image})`,
            note: `permanent; nc from it to ${targets.length} destinations`,
          },
    ];
    return {
      changes,
      commands,
      warnings,
      data: { podIP: ip, ports, sources, ipBlocks: admitted.ipBlocks, targets, uncovered, missingPolicies: missing, reuse },
    };
  },

  async execute(ctx, plan) {
    const t = ctx.incident.targets;
    const d = plan.data;
    const pod = await readIncidentPod(ctx);
    if (!pod) throw new HttpError(404, podGone(ctx));
    const image = config().attestImage;

    const uncovered = [...d.uncovered];
    // The probe pods start (on their kubelets) while the ephemeral container does and while the
    // egress probes run: only the ingress probes wait for them.
    const run = await withProbePods(ctx, d.sources, async (starting) => {
      // 1. Into the pod's network namespace: what it listens on and which connections it holds.
      let ephemeral: RunRecord["ephemeralContainer"] = null;
      let ephemeralProblem: string | null = null;
      try {
        const name = d.reuse ?? `${EPHEMERAL_PREFIX}${randomBytes(3).toString("hex")}`;
        if (!d.reuse) {
          await ctx.progress(`Adding ephemeral container ${name} to ${t.namespace}/${t.pod} (stays in the pod spec)`, { container: name });
          await addEphemeralContainer(
            ctx,
            {
              namespace: t.namespace,
              pod: t.pod,
              name,
              image,
              command: ["sleep", "86400"],
              targetContainerName: t.containers[0],
            },
            { tries: START_POLL_TRIES, everyMs: START_POLL_MS },
          );
        }
        ephemeral = { name, reused: !!d.reuse };
      } catch (err) {
        ephemeralProblem = err instanceof HttpError ? err.message : kubeMessage(err);
      }
      const inPod = ephemeral ? { namespace: t.namespace, pod: t.pod, container: ephemeral.name } : null;
      let sockets: ReturnType<typeof parseProcNetTcp> = [];
      let socketsProblem: string | null = ephemeralProblem;
      if (inPod) {
        try {
          const out = await execInContainer(ctx, { ...inPod, command: ["cat", "/proc/net/tcp"] });
          if (out.exitCode === 0) sockets = parseProcNetTcp(out.stdout);
          else socketsProblem = `cat /proc/net/tcp exited ${out.exitCode}: ${out.stderr.trim()}`;
        } catch (err) {
          socketsProblem = err instanceof HttpError ? err.message : kubeMessage(err);
        }
      }
      const listening = sockets.filter((s) => s.state === "listen").map((s) => ({ port: Number(s.local.split(":")[1]), protocol: "TCP" as const }));
      const ports = [...d.ports];
      for (const l of listening) if (!ports.some((p) => p.port === l.port && p.protocol === l.protocol)) ports.push(l);
      const flows = sockets.filter((s) => s.state === "established" || s.state === "syn-sent");
      const flowTargets: Target[] = flows.map((f) => {
        const [host, port] = f.remote.split(":");
        return { host, port: Number(port), protocol: "TCP", why: "a connection the pod holds (/proc/net/tcp)" };
      });

      // 2. Egress from the pod's own network namespace, and 3. ingress from each admitted source,
      // another node and the pod's own node: every probe in one bounded pool, egress first (it
      // needs no probe pod), each recorded in its place whatever order they finish in.
      const egressProbe = async (x: Target): Promise<Probe> => {
        const r = inPod
          ? await tryPort(ctx, inPod, x.host, x.port, x.protocol)
          : { result: "error" as ProbeResult, detail: `no ephemeral container: ${ephemeralProblem}` };
        await ctx.progress(`Egress ${x.host}:${x.port}/${x.protocol.toLowerCase()} (${x.why}): ${r.result}`, { host: x.host, port: x.port, result: r.result });
        const source = ephemeral ? `ephemeral container ${ephemeral.name}` : `pod ${t.pod}`;
        return { source, target: x.host, port: x.port, protocol: x.protocol, ...r, why: x.why };
      };
      const ingressProbe = async (source: number, port: { port: number; protocol: "TCP" | "UDP" }): Promise<Probe> => {
        const p = await starting[source];
        const from = `${p.source.kind === "peer" ? `${p.source.namespace} pod ${labelText(p.source.labels)}` : p.source.why} (${p.name})`;
        const r = p.ip
          ? await tryPort(ctx, { namespace: p.source.namespace, pod: p.name, container: "probe" }, d.podIP, port.port, port.protocol)
          : { result: "error" as ProbeResult, detail: p.problem };
        await ctx.progress(`Ingress ${port.port}/${port.protocol.toLowerCase()} from ${from}: ${r.result}`, { port: port.port, result: r.result });
        return { source: from, target: d.podIP, port: port.port, protocol: port.protocol, ...r, why: p.source.why };
      };
      const egressTargets = dedupeTargets([...d.targets, ...flowTargets]);
      const tasks = [...egressTargets.map((x) => () => egressProbe(x)), ...d.sources.flatMap((_, i) => ports.map((port) => () => ingressProbe(i, port)))];
      const results = await mapLimit(tasks, PROBE_CONCURRENCY, (task) => task());
      const egress = results.slice(0, egressTargets.length);
      const ingress = results.slice(egressTargets.length);
      return { ephemeral, socketsProblem, listening, ports, flows, egress, ingress };
    });
    const { ephemeral, socketsProblem, listening, ports, flows, egress, ingress } = run.value;
    const probePods = run.probePods;
    for (const b of d.ipBlocks) {
      const inside = run.started.filter((p) => p.ip && inIpBlock(p.ip, b));
      if (!inside.length) uncovered.push(`${b.policy}: ipBlock ${b.cidr} (a probe pod cannot choose its address, and none had one in the range)`);
    }
    if (!ports.length) uncovered.push("ingress: the pod declares no port and none was seen listening");

    // 4. The facts probes cannot show: enforcement, the datapath's way with established flows, the VM's firewalls
    // (read side by side; a read that fails leaves its verdict unknown, never the whole attestation unstored).
    const ref = instanceOf(ctx);
    const [cluster, firewalls, dualStack] = await Promise.all([
      getCluster(t.cluster).catch(() => null),
      ref ? effectiveFirewalls(ref) : null,
      ref ? dualStackSubnet(ref).catch(() => undefined) : null,
    ]);
    const enforcement = {
      enforced: cluster ? cluster.networkPolicy.enforced : null,
      reason: cluster?.networkPolicy.reason ?? "the cluster's facts could not be read",
      datapath: cluster?.datapath ?? null,
    };
    const established = {
      datapath: establishedStatement(enforcement.enforced, enforcement.reason, enforcement.datapath),
      shown: socketsProblem
        ? `Connections could not be read: ${socketsProblem}`
        : `From inside the pod (/proc/net/tcp) Airlock sees ${flows.length} connection(s); a connection the datapath drops looks stalled (unacknowledged bytes, retransmitting), not closed: Airlock cannot see more than that.`,
      connections: flows.map((f) => ({ local: f.local, remote: f.remote, state: f.state, stalled: f.txQueue > 0 || f.retransmitTimer })),
    };

    const notEnforced =
      enforcement.enforced === false ? `This cluster does not enforce NetworkPolicy (${enforcement.reason}): policies change nothing here.` : null;
    const podLayer = (direction: "ingress" | "egress", probes: Probe[]): LayerVerdict => {
      const v = layerVerdict(direction, probes, uncovered);
      return notEnforced && v.state !== "not-isolated"
        ? { state: "not-isolated", why: `${notEnforced} ${v.why}` }
        : notEnforced
          ? { ...v, why: `${notEnforced} ${v.why}` }
          : v;
    };
    const verdicts = {
      podIngress: podLayer("ingress", ingress),
      podEgress: podLayer("egress", egress),
      nodeNetwork: nodeVerdict(firewalls, ref?.name ?? null, dualStack),
    };

    const at = new Date().toISOString();
    // What the document states and the record keeps alike, built once (the document's key order kept).
    const findings = {
      image,
      ephemeralContainer: ephemeral,
      probePods,
      policies: { recorded: t.networkPolicies, missing: d.missingPolicies },
      uncovered,
      listening,
      ingress,
      egress,
      enforcement,
      established,
      firewalls,
      verdicts,
    };
    const node = pod.spec?.nodeName ?? null;
    const body = {
      kind: "airlock.io/isolation-attestation",
      incident: ctx.incident.id,
      at,
      target: { cluster: t.cluster, namespace: t.namespace, pod: t.pod, podUid: t.podUid, podIP: d.podIP, node },
      ...findings,
    };
    const document = jsonArtifact(`attestation-${at.replace(/[:.]/g, "-")}.json`, body, `attest-isolation ${t.namespace}/${t.pod}`);
    if (ctx.artifacts) await ctx.artifacts.put(document);
    await ctx.progress(`Attestation ${document.name} stored (SHA-256 ${document.sha256})`, { artifact: document.name, sha256: document.sha256 });
    const rec: RunRecord = { at, pod: t.pod, podIP: d.podIP, node, ...findings, document };
    const h = headline(rec);
    return { outcome: "success", message: h.message, record: rec, verdict: { holds: h.isolated, message: h.message } };
  },

  // Verify never changes anything: the report, reconcile and the board call it, so it reads the
  // last attestation (and says how old it is) instead of probing. Only a run probes.
  async verify(ctx) {
    const last = ctx.priorRecord();
    if (!last) return { holds: false, message: "No attestation on record: run attest-isolation to test whether the pod is reachable." };
    const h = headline(last);
    return {
      holds: h.isolated,
      message: `Last attestation at ${last.at} (${ageOf(last.at)} min ago, SHA-256 ${last.document.sha256.slice(0, 12)}…): ${h.message} Run attest-isolation again to probe now.`,
    };
  },
});

/** The attestation's age in minutes, for the board and the report. */
export const attestationAge = ageOf;
