import "server-only";
import { z } from "zod";
import type { V1Pod } from "@kubernetes/client-node";
import { defineStep, type Change, type StepContext, type Warning } from "../types";
import { kubectl } from "./support/commands";
import { apis, dryRun, kubeFailure, patchOptions, PatchStrategy, podGone, pollFor, readIncidentPod, readOrNull, withRetry } from "./support/kube";
import { bindingLabels, removedLabels, REMOVED_LABELS_ANNOTATION, type ControllerSelector, type ServiceSelector } from "./support/labels";
import { OWNER_READS } from "./support/owner";
import { serviceSelectorMatches, type Labels } from "./support/selectors";

// ERRATA 5: stripping only the labels that bind the pod to its controller and Services hands
// its job to a replacement replica while the pod itself (and its evidence) stays running.

type Owner = StepContext["incident"]["targets"]["ownerChain"][number];

async function controllerSelectors(ctx: StepContext): Promise<ControllerSelector[]> {
  const t = ctx.incident.targets;
  const out: ControllerSelector[] = [];
  for (const o of t.ownerChain) {
    const args = { name: o.name, namespace: t.namespace };
    const a = apis(ctx);
    const obj =
      o.kind === "ReplicaSet"
        ? await readOrNull(() => a.apps.readNamespacedReplicaSet(args))
        : o.kind === "Deployment"
          ? await readOrNull(() => a.apps.readNamespacedDeployment(args))
          : o.kind === "StatefulSet"
            ? await readOrNull(() => a.apps.readNamespacedStatefulSet(args))
            : o.kind === "DaemonSet"
              ? await readOrNull(() => a.apps.readNamespacedDaemonSet(args))
              : o.kind === "Job"
                ? await readOrNull(() => a.batch.readNamespacedJob(args))
                : null;
    if (obj?.spec?.selector) out.push({ kind: o.kind, name: o.name, selector: obj.spec.selector });
  }
  return out;
}

async function serviceSelectors(ctx: StepContext): Promise<ServiceSelector[]> {
  const t = ctx.incident.targets;
  const list = await withRetry(() => apis(ctx).core.listNamespacedService({ namespace: t.namespace }));
  return list.items
    .filter((s) => !(t.namespace === "default" && s.metadata?.name === "kubernetes"))
    .map((s) => ({ name: s.metadata?.name ?? "", selector: s.spec?.selector }));
}

const firstOwner = (ctx: StepContext): Owner | undefined => ctx.incident.targets.ownerChain[0];

/** Pods the pod's (former) controller now owns, other than the pod itself: the replacement(s). */
async function replacements(ctx: StepContext): Promise<V1Pod[]> {
  const owner = firstOwner(ctx);
  if (!owner) return [];
  const t = ctx.incident.targets;
  const pods = await withRetry(() => apis(ctx).core.listNamespacedPod({ namespace: t.namespace }));
  return pods.items.filter(
    (p) => p.metadata?.uid !== t.podUid && !p.metadata?.deletionTimestamp && (p.metadata?.ownerReferences ?? []).some((r) => r.uid === owner.uid),
  );
}

function newestAfter(pods: V1Pod[], since: string | undefined): V1Pod | undefined {
  const after = since ? Date.parse(since) : 0;
  return pods
    .filter((p) => Date.parse(String(p.metadata?.creationTimestamp ?? 0)) >= after - 1000)
    .sort((a, b) => Date.parse(String(b.metadata?.creationTimestamp)) - Date.parse(String(a.metadata?.creationTimestamp)))[0];
}

function stripPatch(labels: Labels) {
  return {
    metadata: {
      labels: Object.fromEntries(Object.keys(labels).map((k) => [k, null])),
      annotations: { [REMOVED_LABELS_ANNOTATION]: JSON.stringify(labels) },
    },
  };
}

function describePod(p: V1Pod | undefined): string {
  if (!p) return "none seen yet";
  return `${p.metadata?.name} (${p.status?.phase ?? "Pending"}${p.spec?.nodeName ? ` on ${p.spec.nodeName}` : ""})`;
}

type Data = { labels: Labels; strip?: Labels };

const record = z.object({
  /** The labels removed from the pod, restored on release. */
  labels: z.record(z.string(), z.string()),
  at: z.string(),
  replacement: z.string().nullable().optional(),
});
type RunRecord = z.output<typeof record>;

/** Why undoing changes nothing (the pod carries every recorded label and no removal annotation), or null. */
function alreadyRestored(pod: V1Pod, record: RunRecord | undefined): string | null {
  const missing = Object.entries(record?.labels ?? {}).filter(([k, v]) => pod.metadata?.labels?.[k] !== v);
  return !missing.length && !pod.metadata?.annotations?.[REMOVED_LABELS_ANNOTATION] ? "The pod already carries its original labels." : null;
}

export const orphanPod = defineStep<Data, RunRecord>()({
  id: "orphan-pod",
  stage: "network",
  title: "Detach the pod from its controller and Services",
  risk: "disruptive",
  role: "analyst",
  summary:
    "Removes only the labels that bind the pod to its controller's selector and to Services (release restores them from the run record; the annotation only tells a person reading the pod); the controller starts a replacement, the pod keeps running for investigation.",
  record,
  ui: { undoEffect: "Restores the labels removed from the pod, so its controller may adopt it again and Services route to it." },
  needs: {
    kube: [
      { verb: "patch", resource: "pods" },
      { verb: "list", resource: "pods" },
      { verb: "list", resource: "services" },
      ...OWNER_READS,
      { verb: "get", resource: "pods" },
    ],
  },

  async plan(ctx) {
    const t = ctx.incident.targets;
    const pod = await readIncidentPod(ctx);
    if (!pod) return { changes: [], commands: [], warnings: [], blocked: podGone(ctx) };
    const labels = pod.metadata?.labels ?? {};
    const bindings = bindingLabels(labels, await controllerSelectors(ctx), await serviceSelectors(ctx));
    const kept = removedLabels(pod.metadata?.annotations);
    if (bindings.length === 0) {
      const msg = kept
        ? `Already detached: the pod no longer carries ${Object.keys(kept).join(", ")} (kept in ${REMOVED_LABELS_ANNOTATION}).`
        : "No label binds this pod to a controller or Service.";
      return {
        changes: [{ target: `Pod ${t.namespace}/${t.pod}`, action: "read", note: msg }],
        commands: [],
        warnings: [],
        noop: true,
        data: { labels: kept ?? {} },
      };
    }
    const strip: Labels = Object.fromEntries(bindings.map((b) => [b.key, b.value]));
    const all = { ...(kept ?? {}), ...strip };
    const changes: Change[] = bindings.map((b) => ({
      target: `Pod ${t.namespace}/${t.pod}`,
      action: "patch",
      field: `metadata.labels.${b.key}`,
      before: b.value,
      after: null,
      note: `binds it to ${b.boundBy.join(", ")}`,
    }));
    changes.push({
      target: `Pod ${t.namespace}/${t.pod}`,
      action: "patch",
      field: `metadata.annotations.${REMOVED_LABELS_ANNOTATION}`,
      before: null,
      after: JSON.stringify(all),
    });
    const owner = firstOwner(ctx);
    const warnings: Warning[] = [];
    if (owner && ["ReplicaSet", "StatefulSet", "Job"].includes(owner.kind)) {
      warnings.push({
        level: "info",
        code: "replacement",
        message: `${owner.kind} ${owner.name} releases the pod and starts a replacement within seconds; the replacement is shown after the step. Release restores the labels and the controller adopts the pod again (and may then remove one surplus replica).`,
      });
    }
    const keptLabels = Object.keys(labels).filter((k) => !(k in strip));
    if (keptLabels.length) {
      warnings.push({
        level: "info",
        code: "labels-kept",
        message: `Labels kept (no controller or Service selects by them): ${keptLabels.join(", ")}. NetworkPolicies may still select the pod by them.`,
      });
    }
    const dry = await dryRun(`removing ${bindings.map((b) => b.key).join(", ")}`, () =>
      apis(ctx).core.patchNamespacedPod({ name: t.pod, namespace: t.namespace, body: stripPatch(all), dryRun: "All" }, patchOptions(PatchStrategy.MergePatch)),
    );
    return {
      changes,
      commands: bindings.map((b) => kubectl(t, t.namespace, "label", "pod", t.pod, `${b.key}-`)),
      warnings,
      dryRun: dry,
      data: { labels: all, strip },
    };
  },

  async execute(ctx, plan) {
    const t = ctx.incident.targets;
    const pod = await readIncidentPod(ctx);
    if (!pod) throw kubeFailure(`Detaching ${t.pod}`, { code: 404 });
    const all = plan.data.labels;
    const strip = plan.data.strip ?? {};
    const still = Object.keys(strip).filter((k) => pod.metadata?.labels?.[k] !== undefined);
    const at = new Date().toISOString();
    if (still.length === 0) {
      const prior = ctx.priorRecord();
      return {
        outcome: "noop",
        message: "The pod is already detached from its controller and Services.",
        // Without a run of ours there is nothing we removed: the annotation alone is the workload's word.
        record: prior ?? { labels: {}, at },
      };
    }
    // Kept before the write: a run that fails after the labels are gone still holds what undo puts back.
    await ctx.keepRecord({ labels: { ...(ctx.priorRecord()?.labels ?? {}), ...strip }, at, replacement: null });
    try {
      await withRetry(() =>
        apis(ctx).core.patchNamespacedPod({ name: t.pod, namespace: t.namespace, body: stripPatch(all) }, patchOptions(PatchStrategy.MergePatch)),
      );
    } catch (err) {
      throw kubeFailure(`Removing labels from ${t.pod}`, err);
    }
    await ctx.progress(`Removed ${Object.keys(strip).join(", ")} from ${t.pod}; waiting for the replacement`);
    const replacement = await pollFor(async () => newestAfter(await replacements(ctx), at), 20, 500);
    return {
      outcome: "success",
      message: `Pod ${t.pod} detached (removed ${Object.keys(strip).join(", ")}). Replacement: ${describePod(replacement)}.`,
      // What this run removed, plus what our earlier runs removed (undo reads only the latest run's record);
      // labels named by an older annotation alone are the workload's word, not ours.
      record: { labels: { ...(ctx.priorRecord()?.labels ?? {}), ...strip }, at, replacement: replacement?.metadata?.name ?? null },
    };
  },

  async verify(ctx) {
    const t = ctx.incident.targets;
    const pod = await readIncidentPod(ctx);
    if (!pod) return { holds: false, message: podGone(ctx) };
    const labels = pod.metadata?.labels ?? {};
    const bindings = bindingLabels(labels, await controllerSelectors(ctx), await serviceSelectors(ctx));
    const owned = (pod.metadata?.ownerReferences ?? []).filter((r) => r.controller);
    const record = ctx.priorRecord();
    const replacement = newestAfter(await replacements(ctx), record?.at);
    if (bindings.length || owned.length) {
      return {
        holds: false,
        message: `Pod ${t.pod} is still bound: ${[...bindings.map((b) => `${b.key} (${b.boundBy.join(", ")})`), ...owned.map((o) => `owned by ${o.kind} ${o.name}`)].join("; ")}.`,
      };
    }
    const services = (await serviceSelectors(ctx)).filter((s) => serviceSelectorMatches(s.selector, labels)).map((s) => s.name);
    return {
      holds: services.length === 0,
      message: `Pod ${t.pod} has no controller and no Service selects it. Replacement: ${describePod(replacement)}.`,
    };
  },

  async undoNoop(ctx, record) {
    const pod = await readIncidentPod(ctx);
    if (!pod) return podGone(ctx);
    return alreadyRestored(pod, record);
  },

  async undo(ctx, record) {
    const t = ctx.incident.targets;
    const pod = await readIncidentPod(ctx);
    if (!pod) return { outcome: "noop", message: podGone(ctx) };
    const labels = record?.labels ?? {};
    const restored = alreadyRestored(pod, record);
    if (restored) return { outcome: "noop", message: restored };
    try {
      await withRetry(() =>
        apis(ctx).core.patchNamespacedPod(
          { name: t.pod, namespace: t.namespace, body: { metadata: { labels, annotations: { [REMOVED_LABELS_ANNOTATION]: null } } } },
          patchOptions(PatchStrategy.MergePatch),
        ),
      );
    } catch (err) {
      throw kubeFailure(`Restoring the labels of ${t.pod}`, err);
    }
    return {
      outcome: "success",
      message: `Labels ${Object.keys(labels).join(", ")} restored on ${t.pod}: its controller may adopt it again and then remove one surplus replica (possibly this pod).`,
    };
  },
});
