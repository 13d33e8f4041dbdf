import "server-only";
import { z } from "zod";
import { defineStep, type StepContext, type Warning } from "../types";
import { kubectl } from "./support/commands";
import { EVIDENCE_LOSS } from "./support/eradicate";
import { apis, dryRun, kubeFailure, patchOptions, PatchStrategy, readIncidentPod, readOrNull, withRetry } from "./support/kube";
import { noController, topOwner } from "./support/owner";

// Playbook: `kubectl scale --replicas=0 deployment.apps/<name>`, through the scale subresource.
// The old count is recorded, so release can scale back although the step is destructive.

const KINDS = ["Deployment", "StatefulSet"];

async function readScale(ctx: StepContext, kind: string, name: string) {
  const ns = ctx.incident.targets.namespace;
  const a = apis(ctx).apps;
  return kind === "Deployment"
    ? readOrNull(() => a.readNamespacedDeploymentScale({ name, namespace: ns }))
    : readOrNull(() => a.readNamespacedStatefulSetScale({ name, namespace: ns }));
}

async function patchScale(ctx: StepContext, kind: string, name: string, replicas: number, dry = false) {
  const ns = ctx.incident.targets.namespace;
  const a = apis(ctx).apps;
  const req = { name, namespace: ns, body: { spec: { replicas } }, ...(dry ? { dryRun: "All" } : {}) };
  const opts = patchOptions(PatchStrategy.MergePatch);
  return kind === "Deployment" ? a.patchNamespacedDeploymentScale(req, opts) : a.patchNamespacedStatefulSetScale(req, opts);
}

const resource = (kind: string) => (kind === "Deployment" ? "deployment.apps" : "statefulset.apps");

type Data = { kind: string; name: string; replicas?: number };

const record = z.object({ kind: z.string(), name: z.string(), replicas: z.number() });
type RunRecord = z.output<typeof record>;

export const scaleToZero = defineStep<Data, RunRecord>()({
  id: "scale-to-zero",
  stage: "eradicate",
  title: "Scale the controller to zero",
  risk: "destructive",
  role: "analyst",
  summary: "Scales the owning Deployment/StatefulSet to 0 replicas (old count recorded, so release can restore it).",
  record,
  ui: { undoEffect: "Scales the controller back to its recorded replica count." },
  needs: {
    controller: true,
    kube: [
      { verb: "get", resource: "deployments", group: "apps", subresource: "scale" },
      { verb: "patch", resource: "deployments", group: "apps", subresource: "scale" },
      { verb: "get", resource: "statefulsets", group: "apps", subresource: "scale" },
      { verb: "patch", resource: "statefulsets", group: "apps", subresource: "scale" },
      { verb: "get", resource: "pods" },
    ],
  },

  async plan(ctx) {
    const t = ctx.incident.targets;
    const owner = topOwner(ctx, KINDS);
    if (!owner) return { changes: [], commands: [], warnings: [EVIDENCE_LOSS], blocked: noController(KINDS) };
    const commands = [kubectl(t, t.namespace, "scale", "--replicas=0", `${resource(owner.kind)}/${owner.name}`)];
    const scale = await readScale(ctx, owner.kind, owner.name);
    if (!scale) return { changes: [], commands, warnings: [EVIDENCE_LOSS], blocked: `${owner.kind} ${owner.name} no longer exists.` };
    const replicas = scale.spec?.replicas ?? 0;
    if (replicas === 0) return { changes: [], commands, warnings: [EVIDENCE_LOSS], noop: true, data: { kind: owner.kind, name: owner.name } };
    const warnings: Warning[] = [
      EVIDENCE_LOSS,
      {
        level: "danger",
        code: "outage",
        message: `All ${replicas} replica(s) of ${owner.kind} ${owner.name} stop: the workload is down until release scales it back.`,
      },
    ];
    const pod = await readIncidentPod(ctx);
    if (pod && !(pod.metadata?.ownerReferences ?? []).some((r) => r.controller)) {
      warnings.push({
        level: "caution",
        code: "orphaned",
        message: "The compromised pod was detached from its controller (orphan-pod): scaling to zero does not remove it; use delete-pod.",
      });
    }
    const dry = await dryRun(`scaling ${owner.name} to 0`, () => patchScale(ctx, owner.kind, owner.name, 0, true));
    return {
      changes: [{ target: `${owner.kind} ${t.namespace}/${owner.name}`, action: "patch", field: "spec.replicas", before: replicas, after: 0 }],
      commands,
      warnings,
      dryRun: dry,
      data: { kind: owner.kind, name: owner.name, replicas },
    };
  },

  async execute(ctx, plan) {
    const owner = topOwner(ctx, KINDS);
    if (!owner) throw kubeFailure("Scaling to zero", { code: 404 });
    const scale = await readScale(ctx, owner.kind, owner.name);
    if (!scale) throw kubeFailure(`Scaling ${owner.name}`, { code: 404 });
    const current = scale.spec?.replicas ?? 0;
    const prior = ctx.priorRecord();
    if (current === 0) {
      return {
        outcome: "noop",
        message: `${owner.kind} ${owner.name} is already at 0 replicas.`,
        record: prior ?? { kind: owner.kind, name: owner.name, replicas: plan.data.replicas ?? 0 },
      };
    }
    try {
      await withRetry(() => patchScale(ctx, owner.kind, owner.name, 0));
    } catch (err) {
      throw kubeFailure(`Scaling ${owner.name} to 0`, err);
    }
    return {
      outcome: "success",
      message: `${owner.kind} ${owner.name} scaled from ${current} to 0.`,
      record: { kind: owner.kind, name: owner.name, replicas: current },
    };
  },

  async verify(ctx) {
    const owner = topOwner(ctx, KINDS);
    if (!owner) return { holds: false, message: noController(KINDS) };
    const scale = await readScale(ctx, owner.kind, owner.name);
    if (!scale) return { holds: true, message: `${owner.kind} ${owner.name} no longer exists.` };
    const spec = scale.spec?.replicas ?? 0;
    const running = scale.status?.replicas ?? 0;
    return spec === 0
      ? { holds: true, message: `${owner.kind} ${owner.name} is at 0 replicas (${running} still terminating).` }
      : { holds: false, message: `${owner.kind} ${owner.name} wants ${spec} replicas.` };
  },

  async undo(ctx, record) {
    const kind = record?.kind;
    const name = record?.name;
    const replicas = record?.replicas;
    if (!kind || !name || !replicas) return { outcome: "noop", message: "No replica count to restore." };
    const scale = await readScale(ctx, kind, name);
    if (!scale) return { outcome: "noop", message: `${kind} ${name} no longer exists.` };
    if ((scale.spec?.replicas ?? 0) !== 0) return { outcome: "noop", message: `${kind} ${name} is already at ${scale.spec?.replicas} replicas; left as is.` };
    try {
      await withRetry(() => patchScale(ctx, kind, name, replicas));
    } catch (err) {
      throw kubeFailure(`Scaling ${name} back to ${replicas}`, err);
    }
    return { outcome: "success", message: `${kind} ${name} scaled back to ${replicas}.` };
  },
});
