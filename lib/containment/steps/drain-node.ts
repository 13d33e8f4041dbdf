import "server-only";
import { z } from "zod";
import type { V1Pod } from "@kubernetes/client-node";
import { mapLimit } from "@/lib/clusters/map-limit";
import { HttpError } from "@/lib/http/errors";
import { statusOf } from "@/lib/kube/retry";
import { defineStep, type Change, type StepContext, type Warning } from "../types";
import { sh } from "./support/commands";
import { actionable, podFate, sortFates, type PodFate } from "./support/drain";
import { apis, combineDryRuns, dryRun, isNotFound, kubeMessage, readIncidentPod, readOrNull, sleep, withRetry } from "./support/kube";
import { isQuarantined, QUARANTINE_KEY } from "./support/selectors";
import { unprotectedNodeLock } from "./protect-node";

// Moves every other workload off the compromised node (playbook: `kubectl drain`), through the
// eviction API so PodDisruptionBudgets are honoured. Re-running continues with what is left,
// because each run starts from the pods still on the node.

const params = z.object({
  force: z.boolean().default(false),
  timeoutSeconds: z.number().int().positive().max(3600).default(300),
});
type Params = z.output<typeof params>;

async function podsOnNode(ctx: StepContext, node: string): Promise<V1Pod[]> {
  const list = await withRetry(() => apis(ctx).core.listPodForAllNamespaces({ fieldSelector: `spec.nodeName=${node}` }));
  return list.items;
}

/** Why force makes a drain destructive, naming the pods it would delete for good. */
function forceReason(todo: PodFate[]): string {
  const deleted = todo.filter((f) => f.fate === "delete").map((f) => `${f.namespace}/${f.name}`);
  return deleted.length
    ? `Drain with force deletes pods without a controller for good: ${deleted.join(", ")}.`
    : "Drain with force deletes any pod without a controller for good (none on the node now).";
}

function fatesOf(ctx: StepContext, pods: V1Pod[], force: boolean): PodFate[] {
  return sortFates(pods.map((p) => podFate(p, ctx.incident.targets.podUid, force)));
}

function drainCommand(ctx: StepContext<Params>): string {
  const t = ctx.incident.targets;
  const args = [
    "kubectl",
    "--context",
    t.cluster,
    "drain",
    t.node ?? "<node>",
    `--pod-selector=!${QUARANTINE_KEY}`,
    "--ignore-daemonsets",
    "--delete-emptydir-data",
  ];
  if (ctx.params.force) args.push("--force");
  return sh(...args);
}

function evictionBody(f: PodFate, dry: boolean) {
  return {
    apiVersion: "policy/v1",
    kind: "Eviction",
    metadata: { name: f.name, namespace: f.namespace },
    ...(dry ? { deleteOptions: { dryRun: ["All"] } } : {}),
  };
}

/** One attempt to move a pod off the node: "done", or "wait" with why (PDB). */
async function removeOnce(ctx: StepContext, f: PodFate): Promise<{ state: "done" } | { state: "wait"; why: string }> {
  const core = apis(ctx).core;
  try {
    if (f.fate === "delete") {
      await withRetry(() => core.deleteNamespacedPod({ name: f.name, namespace: f.namespace }));
    } else {
      // 429 is the PDB answer here, retried by the caller with its own deadline, not by withRetry.
      await withRetry(() => core.createNamespacedPodEviction({ name: f.name, namespace: f.namespace, body: evictionBody(f, false) }), {
        retryOn: (err) => statusOf(err) !== 429 && (statusOf(err) ?? 0) >= 500,
      });
    }
    return { state: "done" };
  } catch (err) {
    if (isNotFound(err)) return { state: "done" };
    if (statusOf(err) === 429) return { state: "wait", why: kubeMessage(err) };
    throw new HttpError(statusOf(err) ?? 502, `Could not ${f.fate === "delete" ? "delete" : "evict"} ${f.namespace}/${f.name}: ${kubeMessage(err)}`);
  }
}

/** A clock time for progress lines: the analyst compares it with the page's times, in UTC. */
const clock = (ms: number) => `${new Date(ms).toISOString().slice(11, 19)} UTC`;

/** When a terminating pod is gone at the latest: its deletionTimestamp (set to now + grace period by the API server). */
function goneBy(p: V1Pod): number {
  const at = p.metadata?.deletionTimestamp;
  return at ? new Date(at).getTime() : Date.now() + (p.spec?.terminationGracePeriodSeconds ?? 30) * 1000;
}

/** Evictions in flight at once: kubectl drain sends them all together; this keeps the API server's load bounded. */
export const EVICTION_CONCURRENCY = 16;

const podKey = (p: V1Pod) => `${p.metadata?.namespace}/${p.metadata?.name}`;

type Data = { node: string; pods: { namespace: string; name: string; uid: string; fate: PodFate["fate"] }[] };

const record = z.object({ node: z.string(), moved: z.array(z.object({ pod: z.string(), how: z.string() })) });
type RunRecord = z.output<typeof record>;

export const drainNode = defineStep<Data, RunRecord>()({
  id: "drain-node",
  stage: "isolate",
  title: "Drain the node",
  risk: "disruptive",
  role: "analyst",
  summary:
    "Evicts every other pod from the node through the eviction API (PodDisruptionBudgets honoured), skipping DaemonSet and mirror pods and never touching the quarantined pod.",
  params,
  record,
  ui: {
    form: [
      {
        kind: "checkbox",
        name: "force",
        label: "Force: delete pods without a controller",
        help: "Like `kubectl drain --force`: bare pods are deleted for good, not rescheduled.",
      },
    ],
    panel: { kind: "drain-progress" },
  },
  needs: {
    kube: [
      { verb: "list", resource: "pods", clusterScoped: true },
      { verb: "create", resource: "pods", subresource: "eviction" },
      { verb: "delete", resource: "pods" },
      { verb: "get", resource: "nodes" },
      { verb: "get", resource: "pods" },
    ],
    // The node's pool, to say whether GKE may replace the drained node (protect-node first).
    gcp: ["container.clusters.get"],
  },

  async plan(ctx) {
    const t = ctx.incident.targets;
    const commands = [drainCommand(ctx)];
    if (!t.node) return { changes: [], commands, warnings: [], blocked: "The pod is not scheduled on a node." };
    const node = await readOrNull(() => apis(ctx).core.readNode({ name: t.node! }));
    if (!node) return { changes: [], commands, warnings: [], blocked: `Node ${t.node} no longer exists.` };
    const pod = await readIncidentPod(ctx);
    // The pasted kubectl command spares only pods with the label: without it, it would evict the evidence.
    if (pod && !isQuarantined(pod.metadata?.labels)) {
      return {
        changes: [],
        commands,
        warnings: [],
        blocked: `Label the pod ${QUARANTINE_KEY}=true first (label-quarantine): the drain and its kubectl equivalent spare the compromised pod by that label.`,
        data: {},
      };
    }
    if (node.spec?.unschedulable !== true) {
      return {
        changes: [],
        commands,
        warnings: [],
        blocked: "Cordon the node first (cordon-node): otherwise the evicted pods' replacements may be scheduled back onto it.",
        data: {},
      };
    }
    const fates = fatesOf(ctx, await podsOnNode(ctx, t.node), ctx.params.force);
    const changes: Change[] = fates.map((f) => ({
      target: `Pod ${f.namespace}/${f.name}`,
      action: f.fate === "evict" ? "evict" : f.fate === "delete" ? "delete" : "read",
      note: f.reason,
    }));
    const warnings: Warning[] = fates
      .filter((f) => actionable(f) && f.emptyDirs.length)
      .map((f): Warning => ({
        level: "danger",
        code: "evidence-loss",
        message: `Pod ${f.namespace}/${f.name} loses its emptyDir data (${f.emptyDirs.join(", ")}) when evicted; collect it first if it matters.`,
      }));
    const bare = fates.filter((f) => f.fate === "blocked-bare");
    const todo = fates.filter(actionable);
    if (todo.length === 0 && bare.length === 0) {
      return { changes, commands, warnings, noop: true, data: { node: t.node, pods: [] } };
    }
    const dry = combineDryRuns(
      await Promise.all(
        todo.map((f) =>
          f.fate === "delete"
            ? dryRun(`deleting ${f.namespace}/${f.name}`, () => apis(ctx).core.deleteNamespacedPod({ name: f.name, namespace: f.namespace, dryRun: "All" }))
            : dryRun(`evicting ${f.namespace}/${f.name}`, () =>
                apis(ctx).core.createNamespacedPodEviction({ name: f.name, namespace: f.namespace, body: evictionBody(f, true), dryRun: "All" }),
              ),
        ),
      ),
    );
    if (dry && !dry.ok) {
      warnings.push({
        level: "caution",
        code: "pdb-wait",
        message: "Some evictions would be refused right now (e.g. a PodDisruptionBudget); the drain retries them until its time limit.",
      });
    }
    return {
      changes,
      commands,
      warnings,
      dryRun: dry,
      blocked: bare.length
        ? `Pods without a controller are on the node (${bare.map((f) => `${f.namespace}/${f.name}`).join(", ")}): eviction would lose them for good. Set force to delete them, as kubectl drain --force does.`
        : undefined,
      lock: await unprotectedNodeLock(ctx, "once the drain leaves it empty"),
      raise: ctx.params.force ? [{ risk: "destructive" as const, reason: forceReason(todo) }] : undefined,
      data: { node: t.node, pods: todo.map((f) => ({ namespace: f.namespace, name: f.name, uid: f.uid, fate: f.fate })) },
    };
  },

  async execute(ctx) {
    const t = ctx.incident.targets;
    const node = t.node!;
    const deadline = Date.now() + ctx.params.timeoutSeconds * 1000;
    const before = await podsOnNode(ctx, node);
    const initial = fatesOf(ctx, before, ctx.params.force);
    if (initial.some((f) => f.fate === "blocked-bare")) {
      throw new HttpError(409, "Pods without a controller are on the node; set force to delete them.");
    }
    // A pod already terminating was sent its eviction before (this run's earlier attempt, retried
    // after a transient failure, or an earlier drain): a second eviction would be a second side
    // effect. It is only waited for.
    const terminating = new Set(before.filter((p) => p.metadata?.deletionTimestamp).map(podKey));
    const isTerminating = (f: PodFate) => terminating.has(`${f.namespace}/${f.name}`);
    let remaining = initial.filter((f) => actionable(f) && !isTerminating(f));
    const moved: { pod: string; how: string }[] = initial
      .filter((f) => actionable(f) && isTerminating(f))
      .map((f) => ({ pod: `${f.namespace}/${f.name}`, how: "already terminating" }));
    if (remaining.length === 0 && moved.length === 0) {
      return { outcome: "noop", message: `Nothing left to move off ${node}.`, record: ctx.priorRecord() ?? { node, moved: [] } };
    }
    let backoff = 1000;
    const waiting = new Map<string, string>();
    while (remaining.length) {
      const next: PodFate[] = [];
      // Like kubectl drain, every pod is sent its eviction at once rather than one after another,
      // bounded so a node of 110 pods does not open 110 requests together; a PDB's 429 is
      // retried in the next round, after the back-off.
      await mapLimit(remaining, EVICTION_CONCURRENCY, async (f) => {
        const key = `${f.namespace}/${f.name}`;
        // The uid check again at the moment of acting: the quarantined pod is never sent an eviction.
        if (f.uid === t.podUid) return;
        const r = await removeOnce(ctx, f);
        if (r.state === "done") {
          moved.push({ pod: key, how: f.fate === "delete" ? "deleted" : "evicted" });
          waiting.delete(key);
          const reason = `terminating: its grace period lets it run up to ${f.graceSeconds} s more (until about ${clock(Date.now() + f.graceSeconds * 1000)})`;
          await ctx.progress(`${f.fate === "delete" ? "Deleted" : "Evicted"} ${key}; ${reason}`, {
            pod: key,
            state: f.fate === "delete" ? "deleted" : "evicted",
            reason,
          });
        } else {
          next.push(f);
          // The retry and its limit are part of the reason: "waiting" alone reads like a hang.
          const reason = `${r.why}; retrying with back-off until the drain's time limit at ${clock(deadline)}`;
          if (waiting.get(key) !== r.why) await ctx.progress(`Waiting for ${key}: ${reason}`, { pod: key, state: "waiting (PodDisruptionBudget)", reason });
          waiting.set(key, r.why);
        }
      });
      // Evictions finish in any order; the next round and the messages keep the node's pod order.
      next.sort((a, b) => remaining.indexOf(a) - remaining.indexOf(b));
      remaining = next;
      if (!remaining.length) break;
      if (Date.now() + backoff > deadline) {
        throw new HttpError(
          504,
          `Drain stopped at its time limit with pods still waiting: ${remaining.map((f) => `${f.namespace}/${f.name} (${waiting.get(`${f.namespace}/${f.name}`)})`).join("; ")}. Run it again to continue.`,
        );
      }
      await sleep(backoff * (0.5 + Math.random() / 2));
      backoff = Math.min(backoff * 2, 10_000);
    }
    // Like kubectl drain, wait for the evicted pods to finish terminating (bounded by the same limit).
    // Each pod's end and the expected end of the wait are progress lines, so the wait is visible.
    const movedKeys = new Set(moved.map((m) => m.pod));
    const gone = new Set<string>();
    let expected: number | null = null;
    for (let i = 0; Date.now() < deadline && i < 60; i++) {
      const still = (await podsOnNode(ctx, node)).filter((p) => movedKeys.has(podKey(p)) && p.metadata?.uid !== t.podUid);
      const stillKeys = new Set(still.map(podKey));
      for (const key of movedKeys) {
        if (stillKeys.has(key) || gone.has(key)) continue;
        gone.add(key);
        await ctx.progress(`${key} has terminated`, { pod: key, state: "gone", reason: "terminated; its controller runs a replacement on another node" });
      }
      if (!still.length) break;
      const by = Math.min(Math.max(...still.map(goneBy)), deadline);
      if (expected === null || Math.abs(by - expected) > 2000) {
        expected = by;
        const seconds = Math.max(0, Math.ceil((by - Date.now()) / 1000));
        await ctx.progress(
          `Every pod is evicted; waiting for ${still.length} evicted pod(s) to finish terminating within their grace periods: done by about ${clock(by)} (about ${seconds} s).`,
          { phase: "terminating", waitingFor: still.length, until: new Date(by).toISOString() },
        );
      }
      await sleep(1000);
    }
    const prior = ctx.priorRecord();
    return {
      outcome: "success",
      message: `Drained ${node}: ${moved.length} pod(s) moved; the quarantined pod stays.`,
      record: { node, moved: [...(prior?.moved ?? []), ...moved] },
    };
  },

  async verify(ctx) {
    const t = ctx.incident.targets;
    if (!t.node) return { holds: false, message: "The pod is not scheduled on a node." };
    const fates = fatesOf(ctx, await podsOnNode(ctx, t.node), true);
    const left = fates.filter(actionable);
    const kept = fates.filter((f) => f.fate === "keep-quarantined").map((f) => `${f.namespace}/${f.name}`);
    if (left.length) return { holds: false, message: `Still on ${t.node}: ${left.map((f) => `${f.namespace}/${f.name}`).join(", ")}.` };
    return { holds: true, message: `Only DaemonSet, mirror and quarantined pods remain on ${t.node}${kept.length ? ` (kept: ${kept.join(", ")})` : ""}.` };
  },
});
