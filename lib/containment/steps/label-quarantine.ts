import "server-only";
import { z } from "zod";
import { defineStep } from "../types";
import { kubectl } from "./support/commands";
import { apis, dryRun, kubeFailure, patchOptions, PatchStrategy, podGone, readIncidentPod, withRetry } from "./support/kube";
import { QUARANTINE_KEY, QUARANTINE_VALUE } from "./support/selectors";

// The label every later step keys on: the deny-all policy, the drain's `!quarantine` selector,
// the policy exclusions (playbook: `kubectl label pods <pod> quarantine=true`).

const setLabel = (value: string | null) => ({ metadata: { labels: { [QUARANTINE_KEY]: value } } });

type Data = { prior: string | null };

const record = z.object({
  /** The label's value before Airlock set it (null: absent), restored on release. */
  prior: z.string().nullable(),
  labelledByAirlock: z.boolean(),
});
type RunRecord = z.output<typeof record>;

export const labelQuarantine = defineStep<Data, RunRecord>()({
  id: "label-quarantine",
  stage: "isolate",
  title: "Label the pod quarantine=true",
  risk: "reversible",
  role: "analyst",
  summary: "Adds the label quarantine=true to the compromised pod; the drain, the deny-all policy and the policy exclusions select it by this label.",
  record,
  ui: { undoEffect: "Removes the quarantine=true label from the pod." },
  needs: {
    kube: [
      { verb: "patch", resource: "pods" },
      { verb: "get", resource: "pods" },
    ],
  },

  async plan(ctx) {
    const t = ctx.incident.targets;
    const commands = [kubectl(t, t.namespace, "label", "pods", t.pod, `${QUARANTINE_KEY}=${QUARANTINE_VALUE}`)];
    const pod = await readIncidentPod(ctx);
    if (!pod) return { changes: [], commands, warnings: [], blocked: podGone(ctx) };
    const before = pod.metadata?.labels?.[QUARANTINE_KEY];
    if (before === QUARANTINE_VALUE) return { changes: [], commands, warnings: [], noop: true, data: { prior: before } };
    const dry = await dryRun(`labelling ${t.pod}`, () =>
      apis(ctx).core.patchNamespacedPod(
        { name: t.pod, namespace: t.namespace, body: setLabel(QUARANTINE_VALUE), dryRun: "All" },
        patchOptions(PatchStrategy.MergePatch),
      ),
    );
    return {
      changes: [
        { target: `Pod ${t.namespace}/${t.pod}`, action: "patch", field: `metadata.labels.${QUARANTINE_KEY}`, before: before ?? null, after: QUARANTINE_VALUE },
      ],
      commands: before !== undefined ? [kubectl(t, t.namespace, "label", "--overwrite", "pods", t.pod, `${QUARANTINE_KEY}=${QUARANTINE_VALUE}`)] : commands,
      warnings:
        before !== undefined
          ? [
              {
                level: "caution",
                code: "overwrite",
                message: `The pod already has ${QUARANTINE_KEY}=${before}; it will be overwritten with "${QUARANTINE_VALUE}" and restored on release.`,
              },
            ]
          : [],
      dryRun: dry,
      data: { prior: before ?? null },
    };
  },

  async execute(ctx, plan) {
    const t = ctx.incident.targets;
    const pod = await readIncidentPod(ctx);
    if (!pod) throw kubeFailure(`Labelling ${t.pod}`, { code: 404 });
    // A plan that saw the pod unlabelled means a label found now came from an interrupted run of ours.
    const record = ctx.priorRecord() ?? { prior: plan.data.prior ?? null, labelledByAirlock: plan.data.prior !== QUARANTINE_VALUE };
    if (pod.metadata?.labels?.[QUARANTINE_KEY] === QUARANTINE_VALUE) {
      return { outcome: "noop", message: `Pod ${t.pod} already carries ${QUARANTINE_KEY}=${QUARANTINE_VALUE}.`, record };
    }
    const labelled = { prior: plan.data.prior ?? null, labelledByAirlock: true };
    // Kept before the write: a run that fails after its label landed still holds what undo needs.
    await ctx.keepRecord(labelled);
    try {
      await withRetry(() =>
        apis(ctx).core.patchNamespacedPod({ name: t.pod, namespace: t.namespace, body: setLabel(QUARANTINE_VALUE) }, patchOptions(PatchStrategy.MergePatch)),
      );
    } catch (err) {
      throw kubeFailure(`Labelling ${t.pod}`, err);
    }
    return { outcome: "success", message: `Pod ${t.pod} labelled ${QUARANTINE_KEY}=${QUARANTINE_VALUE}.`, record: labelled };
  },

  async verify(ctx) {
    const pod = await readIncidentPod(ctx);
    if (!pod) return { holds: false, message: podGone(ctx) };
    const v = pod.metadata?.labels?.[QUARANTINE_KEY];
    return v === QUARANTINE_VALUE
      ? { holds: true, message: `Pod ${pod.metadata?.name} carries ${QUARANTINE_KEY}=${QUARANTINE_VALUE}.` }
      : { holds: false, message: `Pod ${pod.metadata?.name} does not carry ${QUARANTINE_KEY}=${QUARANTINE_VALUE}.` };
  },

  async undo(ctx, record) {
    const t = ctx.incident.targets;
    if (record && record.labelledByAirlock !== true) {
      return { outcome: "noop", message: `The pod carried ${QUARANTINE_KEY}=${QUARANTINE_VALUE} before Airlock; the label stays.` };
    }
    const pod = await readIncidentPod(ctx);
    if (!pod) return { outcome: "noop", message: podGone(ctx) };
    const prior = typeof record?.prior === "string" ? record.prior : null;
    if ((pod.metadata?.labels?.[QUARANTINE_KEY] ?? null) === prior)
      return { outcome: "noop", message: `The pod's ${QUARANTINE_KEY} label is already as it was.` };
    try {
      await withRetry(() =>
        apis(ctx).core.patchNamespacedPod({ name: t.pod, namespace: t.namespace, body: setLabel(prior) }, patchOptions(PatchStrategy.MergePatch)),
      );
    } catch (err) {
      throw kubeFailure(`Removing the ${QUARANTINE_KEY} label from ${t.pod}`, err);
    }
    return {
      outcome: "success",
      message: prior === null ? `Label ${QUARANTINE_KEY} removed from ${t.pod}.` : `Label ${QUARANTINE_KEY} restored to "${prior}" on ${t.pod}.`,
    };
  },
});
