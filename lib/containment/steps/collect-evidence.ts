import "server-only";
import { z } from "zod";
import type { V1Pod } from "@kubernetes/client-node";
import { HttpError } from "@/lib/http/errors";
import { defineStep, type Change, type StepContext } from "../types";
import { artifact, artifactSchema, jsonArtifact, type Artifact } from "./support/artifacts";
import { kubectl } from "./support/commands";
import { apis, isNotFound, kubeMessage, podGone, readIncidentPod, readOrNull, withRetry } from "./support/kube";
import { OWNER_READS, readOwner } from "./support/owner";

// Reads everything the later steps may destroy or make unreachable (node isolation cuts
// `kubectl logs`, eradicate deletes containers): manifests, logs (previous too, where a
// container restarted), events. Nothing is changed.

const LOG_LIMIT_BYTES = 1024 * 1024;
const TOTAL_LIMIT_BYTES = 8 * 1024 * 1024;

const params = z.object({ recollect: z.boolean().default(false) });

function ownerPath(ns: string, kind: string, name: string): string | null {
  const apps = `/apis/apps/v1/namespaces/${ns}`;
  switch (kind) {
    case "ReplicaSet":
      return `${apps}/replicasets/${name}`;
    case "Deployment":
      return `${apps}/deployments/${name}`;
    case "StatefulSet":
      return `${apps}/statefulsets/${name}`;
    case "DaemonSet":
      return `${apps}/daemonsets/${name}`;
    case "Job":
      return `/apis/batch/v1/namespaces/${ns}/jobs/${name}`;
    case "CronJob":
      return `/apis/batch/v1/namespaces/${ns}/cronjobs/${name}`;
    default:
      return null;
  }
}

function logPlan(pod: V1Pod): { container: string; previous: boolean }[] {
  const out: { container: string; previous: boolean }[] = [];
  for (const c of [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])]) {
    out.push({ container: c.name, previous: false });
    const status = [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])].find((s) => s.name === c.name);
    if ((status?.restartCount ?? 0) > 0) out.push({ container: c.name, previous: true });
  }
  return out;
}

// The executor passes an evidence sink in the context; without one (plan-only callers, tests), artifacts stay in the record.
async function collect(ctx: StepContext, pod: V1Pod): Promise<{ artifacts: Artifact[]; problems: string[] }> {
  const t = ctx.incident.targets;
  const ns = t.namespace;
  const a = apis(ctx);
  const artifacts: Artifact[] = [];
  const problems: string[] = [];
  let total = 0;
  const add = async (x: Artifact) => {
    if (total + x.size > TOTAL_LIMIT_BYTES) {
      problems.push(`${x.name} skipped: the evidence set reached ${TOTAL_LIMIT_BYTES / 1024 / 1024} MB`);
      return;
    }
    total += x.size;
    artifacts.push(x);
    if (ctx.artifacts) await ctx.artifacts.put(x);
    await ctx.progress(`Collected ${x.name} (${x.size} bytes)`, { artifact: x.name, sha256: x.sha256 });
  };
  const attempt = async (what: string, fn: () => Promise<void>) => {
    try {
      await fn();
    } catch (err) {
      problems.push(`${what}: ${isNotFound(err) ? "not found" : kubeMessage(err)}`);
    }
  };

  await add(jsonArtifact(`pod-${t.pod}.json`, pod, `/api/v1/namespaces/${ns}/pods/${t.pod}`));
  for (const o of t.ownerChain) {
    const path = ownerPath(ns, o.kind, o.name);
    if (!path) continue;
    await attempt(`${o.kind} ${o.name}`, async () => {
      const obj = await readOwner(ctx, o.kind, o.name);
      if (obj) await add(jsonArtifact(`${o.kind.toLowerCase()}-${o.name}.json`, obj, path));
      else problems.push(`${o.kind} ${o.name}: not found`);
    });
  }
  for (const name of t.services) {
    await attempt(`Service ${name}`, async () => {
      const svc = await readOrNull(() => a.core.readNamespacedService({ name, namespace: ns }));
      if (svc) await add(jsonArtifact(`service-${name}.json`, svc, `/api/v1/namespaces/${ns}/services/${name}`));
    });
  }
  for (const name of t.networkPolicies) {
    await attempt(`NetworkPolicy ${name}`, async () => {
      const p = await readOrNull(() => a.networking.readNamespacedNetworkPolicy({ name, namespace: ns }));
      if (p) await add(jsonArtifact(`networkpolicy-${name}.json`, p, `/apis/networking.k8s.io/v1/namespaces/${ns}/networkpolicies/${name}`));
    });
  }
  if (t.node) {
    await attempt(`Node ${t.node}`, async () => {
      const node = await readOrNull(() => a.core.readNode({ name: t.node! }));
      if (node) await add(jsonArtifact(`node-${t.node}.json`, node, `/api/v1/nodes/${t.node}`));
    });
  }
  for (const { container, previous } of logPlan(pod)) {
    const source = `/api/v1/namespaces/${ns}/pods/${t.pod}/log?container=${encodeURIComponent(container)}${previous ? "&previous=true" : ""}&timestamps=true&limitBytes=${LOG_LIMIT_BYTES}`;
    await attempt(`logs of ${container}${previous ? " (previous)" : ""}`, async () => {
      const text = await withRetry(() =>
        a.core.readNamespacedPodLog({ name: t.pod, namespace: ns, container, previous, timestamps: true, limitBytes: LOG_LIMIT_BYTES }),
      );
      await add(artifact(`logs-${container}${previous ? "-previous" : ""}.log`, "text/plain; charset=utf-8", String(text ?? ""), source));
    });
  }
  await attempt("events", async () => {
    const selector = `involvedObject.uid=${t.podUid}`;
    const events = await withRetry(() => a.core.listNamespacedEvent({ namespace: ns, fieldSelector: selector }));
    await add(jsonArtifact(`events-${t.pod}.json`, events, `/api/v1/namespaces/${ns}/events?fieldSelector=${encodeURIComponent(selector)}`));
  });
  return { artifacts, problems };
}

type Data = { reads: number };

const record = z.object({ at: z.string(), artifacts: z.array(artifactSchema), problems: z.array(z.string()) });
type RunRecord = z.output<typeof record>;

export const collectEvidence = defineStep<Data, RunRecord>()({
  id: "collect-evidence",
  stage: "evidence",
  title: "Collect evidence",
  risk: "read-only",
  role: "analyst",
  summary:
    "Stores the pod, owner-chain, Service, NetworkPolicy and node manifests, container logs (current and previous) and the pod's events, each with its SHA-256. Changes nothing.",
  params,
  record,
  ui: { form: [{ kind: "checkbox", name: "recollect", label: "Collect again even if evidence was already stored" }] },
  needs: {
    kube: [
      { verb: "get", resource: "pods" },
      { verb: "get", resource: "pods", subresource: "log" },
      { verb: "list", resource: "events" },
      { verb: "get", resource: "nodes" },
      { verb: "get", resource: "services" },
      { verb: "get", resource: "networkpolicies", group: "networking.k8s.io" },
      // The owner chain up to the top controller, whatever its kind.
      ...OWNER_READS,
      { verb: "get", resource: "cronjobs", group: "batch" },
    ],
  },

  async plan(ctx) {
    const t = ctx.incident.targets;
    const pod = await readIncidentPod(ctx);
    if (!pod) return { changes: [], commands: [], warnings: [], blocked: podGone(ctx) };
    const logs = logPlan(pod);
    const reads = [
      `Pod ${t.pod}`,
      ...t.ownerChain.map((o) => `${o.kind} ${o.name}`),
      ...t.services.map((s) => `Service ${s}`),
      ...t.networkPolicies.map((p) => `NetworkPolicy ${p}`),
      ...(t.node ? [`Node ${t.node}`] : []),
      ...logs.map((l) => `logs of ${l.container}${l.previous ? " (previous)" : ""}`),
      "events of the pod",
    ];
    const commands = [
      kubectl(t, t.namespace, "get", "pod", t.pod, "-o", "yaml"),
      ...logs.map((l) => kubectl(t, t.namespace, "logs", t.pod, "-c", l.container, "--timestamps", ...(l.previous ? ["--previous"] : []))),
      kubectl(t, t.namespace, "get", "events", `--field-selector=involvedObject.uid=${t.podUid}`, "-o", "yaml"),
      ...(t.node ? [kubectl(t, null, "get", "node", t.node, "-o", "yaml")] : []),
    ];
    const prior = ctx.priorRecord();
    return {
      changes: reads.map((r): Change => ({ target: r, action: "read" })),
      commands,
      warnings: [
        { level: "info", code: "evidence-first", message: "Collect before isolating the node: egress isolation cuts kubectl logs/exec to this node." },
      ],
      noop: prior && ctx.params.recollect !== true ? true : undefined,
      data: { reads: reads.length },
    };
  },

  async execute(ctx) {
    const prior = ctx.priorRecord();
    if (prior && ctx.params.recollect !== true) {
      return { outcome: "noop", message: `Evidence was already collected at ${prior.at}; set recollect to collect again.`, record: prior };
    }
    const pod = await readIncidentPod(ctx);
    if (!pod) throw new HttpError(404, podGone(ctx));
    const { artifacts, problems } = await collect(ctx, pod);
    return {
      outcome: "success",
      message: `Collected ${artifacts.length} artifacts (${artifacts.reduce((n, a) => n + a.size, 0)} bytes)${problems.length ? `; not collected: ${problems.join("; ")}` : ""}.`,
      record: { at: new Date().toISOString(), artifacts, problems },
    };
  },

  async verify(ctx) {
    const prior = ctx.priorRecord();
    if (!prior?.artifacts?.length) return { holds: false, message: "No evidence collected yet." };
    const { createHash } = await import("node:crypto");
    const bad = prior.artifacts.filter((a) => createHash("sha256").update(Buffer.from(a.body, "utf8")).digest("hex") !== a.sha256);
    return bad.length
      ? { holds: false, message: `Hashes no longer match for ${bad.map((a) => a.name).join(", ")}.` }
      : { holds: true, message: `${prior.artifacts.length} artifacts collected at ${prior.at}; every SHA-256 matches.` };
  },
});
