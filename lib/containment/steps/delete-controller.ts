import "server-only";
import { z } from "zod";
import { defineStep, type StepContext, type Warning } from "../types";
import { kubectl } from "./support/commands";
import { EVIDENCE_LOSS } from "./support/eradicate";
import { apis, dryRun, isNotFound, kubeFailure, readIncidentPod, withRetry } from "./support/kube";
import { noController, readOwner, topOwner } from "./support/owner";

// Playbook: `kubectl delete <high_level_construct> <name>`: deleting the pod alone lets its
// controller start a new one. The manifest is recorded for the report (and a manual restore).

const KINDS = ["Deployment", "StatefulSet", "DaemonSet", "Job"];

function deleteController(ctx: StepContext, kind: string, name: string, dry = false) {
  const ns = ctx.incident.targets.namespace;
  const a = apis(ctx);
  // Background propagation, as kubectl does: the garbage collector removes ReplicaSets and pods.
  const args = { name, namespace: ns, propagationPolicy: "Background", ...(dry ? { dryRun: "All" } : {}) };
  switch (kind) {
    case "Deployment":
      return a.apps.deleteNamespacedDeployment(args);
    case "StatefulSet":
      return a.apps.deleteNamespacedStatefulSet(args);
    case "DaemonSet":
      return a.apps.deleteNamespacedDaemonSet(args);
    default:
      return a.batch.deleteNamespacedJob(args);
  }
}

type Data = { kind: string; name: string; uid?: string };

const record = z.object({ kind: z.string(), name: z.string(), manifest: z.unknown().optional() });
type RunRecord = z.output<typeof record>;

export const deleteControllerStep = defineStep<Data, RunRecord>()({
  id: "delete-controller",
  stage: "eradicate",
  title: "Delete the owning controller",
  risk: "destructive",
  role: "analyst",
  summary: "Deletes the Deployment/StatefulSet/DaemonSet/Job that owns the pod, so no new pod replaces it (manifest recorded).",
  record,
  needs: {
    controller: true,
    kube: [
      // Whichever kind owns the pod: a Deployment, StatefulSet, DaemonSet or Job.
      { verb: "delete", resource: "deployments", group: "apps" },
      { verb: "get", resource: "deployments", group: "apps" },
      { verb: "delete", resource: "statefulsets", group: "apps" },
      { verb: "get", resource: "statefulsets", group: "apps" },
      { verb: "delete", resource: "daemonsets", group: "apps" },
      { verb: "get", resource: "daemonsets", group: "apps" },
      { verb: "delete", resource: "jobs", group: "batch" },
      { verb: "get", resource: "jobs", group: "batch" },
      { verb: "get", resource: "pods" },
    ],
  },

  async plan(ctx) {
    const t = ctx.incident.targets;
    const owner = topOwner(ctx, KINDS);
    if (!owner) return { changes: [], commands: [], warnings: [EVIDENCE_LOSS], blocked: noController(KINDS) };
    const commands = [kubectl(t, t.namespace, "delete", owner.kind.toLowerCase(), owner.name)];
    const obj = await readOwner(ctx, owner.kind, owner.name);
    if (!obj || (owner.uid && obj.metadata?.uid !== owner.uid)) {
      return { changes: [], commands, warnings: [EVIDENCE_LOSS], noop: true, data: { kind: owner.kind, name: owner.name } };
    }
    const warnings: Warning[] = [
      EVIDENCE_LOSS,
      {
        level: "danger",
        code: "outage",
        message: `${owner.kind} ${owner.name} and every pod it manages are deleted; the workload is gone until someone redeploys it.`,
      },
    ];
    const pod = await readIncidentPod(ctx);
    if (pod && !(pod.metadata?.ownerReferences ?? []).some((r) => r.controller)) {
      warnings.push({
        level: "caution",
        code: "orphaned",
        message: "The compromised pod was detached (orphan-pod): deleting the controller does not delete it; use delete-pod.",
      });
    }
    const dry = await dryRun(`deleting ${owner.kind} ${owner.name}`, () => deleteController(ctx, owner.kind, owner.name, true));
    return {
      changes: [{ target: `${owner.kind} ${t.namespace}/${owner.name}`, action: "delete", note: `uid ${obj.metadata?.uid}` }],
      commands,
      warnings,
      dryRun: dry,
      data: { kind: owner.kind, name: owner.name, uid: obj.metadata?.uid },
    };
  },

  async execute(ctx) {
    const owner = topOwner(ctx, KINDS);
    if (!owner) throw kubeFailure("Deleting the controller", { code: 404 });
    const obj = await readOwner(ctx, owner.kind, owner.name);
    if (!obj || (owner.uid && obj.metadata?.uid !== owner.uid)) {
      return { outcome: "noop", message: `${owner.kind} ${owner.name} is already gone.`, record: ctx.priorRecord() ?? { kind: owner.kind, name: owner.name } };
    }
    try {
      await withRetry(() => deleteController(ctx, owner.kind, owner.name));
    } catch (err) {
      if (!isNotFound(err)) throw kubeFailure(`Deleting ${owner.kind} ${owner.name}`, err);
    }
    return {
      outcome: "success",
      message: `${owner.kind} ${owner.name} deleted; its pods are being removed.`,
      record: { kind: owner.kind, name: owner.name, manifest: JSON.parse(JSON.stringify(obj)) },
    };
  },

  async verify(ctx) {
    const owner = topOwner(ctx, KINDS);
    if (!owner) return { holds: false, message: noController(KINDS) };
    const obj = await readOwner(ctx, owner.kind, owner.name);
    if (!obj || obj.metadata?.uid !== owner.uid) return { holds: true, message: `${owner.kind} ${owner.name} is gone.` };
    return {
      holds: false,
      message: obj.metadata?.deletionTimestamp ? `${owner.kind} ${owner.name} is being deleted.` : `${owner.kind} ${owner.name} still exists.`,
    };
  },
});
