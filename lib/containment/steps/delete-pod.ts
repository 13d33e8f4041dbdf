import "server-only";
import { z } from "zod";
import { defineStep, type Warning } from "../types";
import { kubectl } from "./support/commands";
import { EVIDENCE_LOSS } from "./support/eradicate";
import { apis, dryRun, isNotFound, kubeFailure, readIncidentPod, withRetry } from "./support/kube";

// Playbook: `kubectl delete pod`. Under a controller a new pod (new containers) takes its place;
// deleting the controller (or scaling it to zero) is what stops that.

type Data = { uid?: string };

const record = z.object({ pod: z.string(), uid: z.string(), deletedAt: z.string().optional() });
type RunRecord = z.output<typeof record>;

export const deletePod = defineStep<Data, RunRecord>()({
  id: "delete-pod",
  stage: "eradicate",
  title: "Delete the pod",
  risk: "destructive",
  role: "analyst",
  summary: "Deletes the compromised pod. Its controller, if it still owns it, starts a new pod in its place.",
  record,
  needs: {
    kube: [
      { verb: "delete", resource: "pods" },
      { verb: "get", resource: "pods" },
    ],
  },

  async plan(ctx) {
    const t = ctx.incident.targets;
    const commands = [kubectl(t, t.namespace, "delete", "pod", t.pod)];
    const pod = await readIncidentPod(ctx);
    if (!pod) return { changes: [], commands, warnings: [EVIDENCE_LOSS], noop: true, data: {} };
    const warnings: Warning[] = [EVIDENCE_LOSS];
    const owner = pod.metadata?.ownerReferences?.find((r) => r.controller);
    if (owner) {
      warnings.push({
        level: "caution",
        code: "recreated",
        message: `${owner.kind} ${owner.name} still owns the pod and will start a new one; scale it to zero or delete it to stop that.`,
      });
    }
    const dry = await dryRun(`deleting ${t.pod}`, () => apis(ctx).core.deleteNamespacedPod({ name: t.pod, namespace: t.namespace, dryRun: "All" }));
    return {
      changes: [{ target: `Pod ${t.namespace}/${t.pod}`, action: "delete", note: `uid ${t.podUid}` }],
      commands,
      warnings,
      dryRun: dry,
      data: { uid: t.podUid },
    };
  },

  async execute(ctx) {
    const t = ctx.incident.targets;
    const pod = await readIncidentPod(ctx);
    if (!pod) return { outcome: "noop", message: `Pod ${t.pod} is already gone.`, record: ctx.priorRecord() ?? { pod: t.pod, uid: t.podUid } };
    try {
      // The uid precondition keeps a same-named successor (StatefulSet) safe from this delete.
      await withRetry(() => apis(ctx).core.deleteNamespacedPod({ name: t.pod, namespace: t.namespace, body: { preconditions: { uid: t.podUid } } }));
    } catch (err) {
      if (isNotFound(err)) return { outcome: "noop", message: `Pod ${t.pod} is already gone.`, record: { pod: t.pod, uid: t.podUid } };
      throw kubeFailure(`Deleting ${t.pod}`, err);
    }
    return { outcome: "success", message: `Pod ${t.pod} deleted.`, record: { pod: t.pod, uid: t.podUid, deletedAt: new Date().toISOString() } };
  },

  async verify(ctx) {
    const pod = await readIncidentPod(ctx);
    const t = ctx.incident.targets;
    if (!pod) return { holds: true, message: `Pod ${t.pod} (uid ${t.podUid}) is gone.` };
    // A delete answers once the pod is marked for deletion; its grace period then runs. That is
    // the delete having worked, not failing.
    return pod.metadata?.deletionTimestamp
      ? {
          holds: true,
          message: `Pod ${t.pod} is terminating (deletion requested at ${new Date(pod.metadata.deletionTimestamp).toISOString()}); it stops within its grace period.`,
        }
      : { holds: false, message: `Pod ${t.pod} still exists.` };
  },
});
