import "server-only";
import { randomBytes } from "node:crypto";
import { z } from "zod";
import type { V1LabelSelector, V1ObjectMeta, V1Pod } from "@kubernetes/client-node";
import { HttpError } from "@/lib/http/errors";
import { defineStep, type Change, type StepContext, type Warning } from "../types";
import { applyDenyAll } from "./apply-deny-all";
import { sh } from "./support/commands";
import { apis, isNotFound, kubeFailure, podGone, readIncidentPod, sleep, withRetry } from "./support/kube";
import { labelSelectorMatches, type Labels } from "./support/selectors";

// Proves isolation from inside the cluster: a throwaway busybox pod on another node tries each
// declared port of the quarantined pod with `nc -z`. Exit 0 ⇒ open, non-zero ⇒ blocked.

export const PROBE_IMAGE = "busybox:1.36";
export const PROBE_LABEL = "airlock.io/probe";

const params = z.object({
  /** Ports to try instead of the containers' declared ones. */
  ports: z.array(z.number().int().min(1).max(65535)).max(20).optional(),
  /** Labels the probe carries, to test from a peer's identity (e.g. {"app":"frontend"}). */
  sourceLabels: z.record(z.string(), z.string()).optional(),
});
type Params = z.output<typeof params>;

type PortResult = { port: number; result: "open" | "blocked" | "unknown"; probe: string; detail?: string };

function declaredPorts(pod: V1Pod): number[] {
  const ports = new Set<number>();
  for (const c of pod.spec?.containers ?? []) for (const p of c.ports ?? []) if ((p.protocol ?? "TCP") === "TCP") ports.add(p.containerPort);
  return [...ports].sort((a, b) => a - b);
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
  return ready[0]?.metadata?.name ?? null;
}

/** Controllers in the namespace that would adopt a probe carrying these labels: never allowed. */
async function adopters(ctx: StepContext, labels: Labels): Promise<string[]> {
  const ns = ctx.incident.targets.namespace;
  const a = apis(ctx);
  const [rs, sts, ds, jobs] = await Promise.all([
    withRetry(() => a.apps.listNamespacedReplicaSet({ namespace: ns })),
    withRetry(() => a.apps.listNamespacedStatefulSet({ namespace: ns })),
    withRetry(() => a.apps.listNamespacedDaemonSet({ namespace: ns })),
    withRetry(() => a.batch.listNamespacedJob({ namespace: ns })),
  ]);
  const out: string[] = [];
  const controllers: [string, { metadata?: V1ObjectMeta; spec?: { selector?: V1LabelSelector } }[]][] = [
    ["ReplicaSet", rs.items],
    ["StatefulSet", sts.items],
    ["DaemonSet", ds.items],
    ["Job", jobs.items],
  ];
  for (const [kind, items] of controllers) {
    for (const o of items) {
      if (labelSelectorMatches(o.spec?.selector, labels)) out.push(`${kind} ${o.metadata?.name}`);
    }
  }
  return out;
}

function probeManifest(ctx: StepContext<Params>, name: string, node: string, ip: string, port: number) {
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: {
      name,
      namespace: ctx.incident.targets.namespace,
      labels: { ...(ctx.params.sourceLabels ?? {}), [PROBE_LABEL]: ctx.incident.id, "app.kubernetes.io/managed-by": "airlock" },
    },
    spec: {
      restartPolicy: "Never",
      nodeSelector: { "kubernetes.io/hostname": node },
      automountServiceAccountToken: false,
      terminationGracePeriodSeconds: 0,
      containers: [{ name: "probe", image: PROBE_IMAGE, command: ["nc", "-z", "-w", "2", ip, String(port)] }],
    },
  };
}

async function runProbe(ctx: StepContext<Params>, node: string, ip: string, port: number): Promise<PortResult> {
  const ns = ctx.incident.targets.namespace;
  const core = apis(ctx).core;
  const name = `airlock-probe-${randomBytes(3).toString("hex")}`;
  try {
    await withRetry(() => core.createNamespacedPod({ namespace: ns, body: probeManifest(ctx, name, node, ip, port) }));
  } catch (err) {
    throw kubeFailure(`Starting probe pod ${name}`, err);
  }
  try {
    for (let i = 0; i < 120; i++) {
      const p = await withRetry(() => core.readNamespacedPod({ name, namespace: ns }));
      const phase = p.status?.phase;
      if (phase === "Succeeded") return { port, result: "open", probe: name };
      if (phase === "Failed") return { port, result: "blocked", probe: name };
      await sleep(500);
    }
    return { port, result: "unknown", probe: name, detail: "the probe did not finish in time" };
  } finally {
    try {
      await withRetry(() => core.deleteNamespacedPod({ name, namespace: ns, gracePeriodSeconds: 0 }));
    } catch (err) {
      if (!isNotFound(err)) await ctx.progress(`Could not delete probe pod ${name}; delete it by hand`, { pod: name });
    }
  }
}

async function probeAll(ctx: StepContext<Params>) {
  const t = ctx.incident.targets;
  const pod = await readIncidentPod(ctx);
  if (!pod) throw new HttpError(404, podGone(ctx));
  const ip = pod.status?.podIP;
  const node = await otherNode(ctx, pod.spec?.nodeName);
  const ports = ctx.params.ports ?? declaredPorts(pod);
  if (!ip || !node || !ports.length) throw new HttpError(409, "Nothing to probe (no pod IP, no other node or no port).");
  const results: PortResult[] = [];
  for (const port of ports) {
    const r = await runProbe(ctx, node, ip, port);
    results.push(r);
    await ctx.progress(`Port ${port}: ${r.result}`, { port, result: r.result });
  }
  return { pod: t.pod, podIP: ip, fromNode: node, results, at: new Date().toISOString() };
}

function summary(results: PortResult[]): string {
  return results.map((r) => `${r.port}/tcp ${r.result}`).join(", ");
}

type Data = { podIP: string | null; ports: number[]; fromNode: string | null; sourceLabels: Labels };

const record = z.object({
  pod: z.string(),
  podIP: z.string(),
  fromNode: z.string(),
  results: z.array(z.object({ port: z.number(), result: z.enum(["open", "blocked", "unknown"]), probe: z.string(), detail: z.string().optional() })),
  at: z.string(),
});
type RunRecord = z.output<typeof record>;

export const probeIsolation = defineStep<Data, RunRecord>()({
  id: "probe-isolation",
  stage: "network",
  title: "Probe the pod's isolation",
  risk: "read-only",
  role: "analyst",
  summary:
    "Starts a short-lived busybox pod on another node that tries each declared port of the quarantined pod with nc -z, reports blocked or open, and deletes the probe. Re-run it after the propagation countdown.",
  params,
  record,
  ui: { panel: { kind: "last-result", label: "Last probe" } },
  needs: {
    networkPolicyEnforced: true,
    kube: [
      { verb: "create", resource: "pods" },
      { verb: "delete", resource: "pods" },
      { verb: "get", resource: "pods" },
      { verb: "list", resource: "nodes" },
      // Refuses probe labels a controller in the namespace would adopt.
      { verb: "list", resource: "replicasets", group: "apps" },
      { verb: "list", resource: "statefulsets", group: "apps" },
      { verb: "list", resource: "daemonsets", group: "apps" },
      { verb: "list", resource: "jobs", group: "batch" },
    ],
  },

  async plan(ctx) {
    const t = ctx.incident.targets;
    const pod = await readIncidentPod(ctx);
    if (!pod) return { changes: [], commands: [], warnings: [], blocked: podGone(ctx) };
    const ip = pod.status?.podIP;
    const ports = ctx.params.ports ?? declaredPorts(pod);
    const node = await otherNode(ctx, pod.spec?.nodeName);
    const blocked = !ip
      ? "The pod has no IP address (not running)."
      : !ports.length
        ? "The pod declares no TCP containerPort; give the ports to try."
        : !node
          ? "No other schedulable, Ready node to probe from."
          : undefined;
    const sourceLabels = ctx.params.sourceLabels ?? {};
    const adopting = Object.keys(sourceLabels).length ? await adopters(ctx, sourceLabels) : [];
    const commands =
      ip && node
        ? ports.map((port) =>
            sh(
              "kubectl",
              "--context",
              t.cluster,
              "-n",
              t.namespace,
              "run",
              `airlock-probe-${port}`,
              "--rm",
              "-i",
              "--restart=Never",
              `--image=${PROBE_IMAGE}`,
              ...Object.entries(sourceLabels).map(([k, v]) => `--labels=${k}=${v}`),
              `--overrides=${JSON.stringify({ spec: { nodeSelector: { "kubernetes.io/hostname": node } } })}`,
              "--",
              "nc",
              "-z",
              "-w",
              "2",
              ip,
              String(port),
            ),
          )
        : [];
    const warnings: Warning[] = [
      {
        level: "info",
        code: "probe-identity",
        message: Object.keys(sourceLabels).length
          ? `The probe carries ${Object.entries(sourceLabels)
              .map(([k, v]) => `${k}=${v}`)
              .join(", ")}: it tests what a pod with those labels may reach.`
          : "The probe carries no application labels: an allow policy that admits only certain peers blocks it anyway. Give sourceLabels (e.g. a frontend's) to test from a peer that policies admit.",
      },
    ];
    const record = ctx.priorRecordOf(applyDenyAll);
    if (record?.effectiveAt && Date.parse(record.effectiveAt) > Date.now()) {
      warnings.push({
        level: "caution",
        code: "propagation",
        message: `The deny-all's propagation window runs until ${record.effectiveAt}: an "open" result before then is expected; probe again after.`,
      });
    }
    const reason =
      blocked ?? (adopting.length ? `A probe with those labels would be adopted by ${adopting.join(", ")}; choose labels no controller selects.` : undefined);
    const planned = {
      changes: ports.map((port): Change => ({
        target: `Pod ${t.namespace}/airlock-probe-…`,
        action: "create",
        note: `busybox on ${node ?? "another node"}: nc -z -w 2 ${ip ?? "<pod IP>"} ${port}; deleted afterwards`,
      })),
      commands,
      warnings,
      data: { podIP: ip ?? null, ports, fromNode: node, sourceLabels },
    };
    return reason ? { ...planned, blocked: reason } : planned;
  },

  async execute(ctx) {
    const r = await probeAll(ctx);
    const open = r.results.filter((x) => x.result === "open");
    const message = open.length ? `NOT ISOLATED: ${summary(r.results)} (from ${r.fromNode}).` : `Isolated: ${summary(r.results)} (from ${r.fromNode}).`;
    return { outcome: "success", message, record: r, verdict: { holds: r.results.length > 0 && r.results.every((x) => x.result === "blocked"), message } };
  },

  // Verify never changes anything: the report, reconcile and the board call it, so it reads the
  // last probe (and says how old it is) instead of starting probe pods. Only a run probes.
  async verify(ctx) {
    const last = ctx.priorRecord();
    if (!last) return { holds: false, message: "No probe on record: run probe-isolation to test whether the pod is reachable." };
    const isolated = last.results.length > 0 && last.results.every((x) => x.result === "blocked");
    const minutes = Math.max(0, Math.round((Date.now() - Date.parse(last.at)) / 60_000));
    return {
      holds: isolated,
      message: `Last probe at ${last.at} (${minutes} min ago, from ${last.fromNode}): ${isolated ? "isolated" : "not isolated"}: ${summary(last.results)}. Run probe-isolation again to probe now.`,
    };
  },
});
