import "server-only";
import { z } from "zod";
import { defineStep, type StepContext, type Warning } from "../types";
import { autoRepairWarning, clusterFacts } from "./support/cluster";
import { kubectl } from "./support/commands";
import { apis, dryRun, kubeFailure, patchOptions, PatchStrategy, readOrNull, withRetry } from "./support/kube";

// Stops new pods landing next to the compromised one (playbook: `kubectl cordon`).

async function readNode(ctx: StepContext) {
  const node = ctx.incident.targets.node;
  return node ? readOrNull(() => apis(ctx).core.readNode({ name: node })) : null;
}

const patch = (unschedulable: boolean) => ({ spec: { unschedulable } });

type Data = { node: string; wasUnschedulable: boolean };

const record = z.object({
  node: z.string(),
  /** False when someone cordoned it before Airlock: release leaves it cordoned. */
  cordonedByAirlock: z.boolean(),
  priorUnschedulable: z.boolean().optional(),
});
type RunRecord = z.output<typeof record>;

export const cordonNode = defineStep<Data, RunRecord>()({
  id: "cordon-node",
  stage: "isolate",
  title: "Cordon the node",
  risk: "reversible",
  role: "analyst",
  summary: "Marks the compromised pod's node unschedulable so no other pods are placed next to it.",
  record,
  ui: { undoEffect: "Uncordons the node (spec.unschedulable back to false): new pods may be scheduled on it again." },
  needs: {
    kube: [
      { verb: "patch", resource: "nodes" },
      { verb: "get", resource: "nodes" },
    ],
  },

  async plan(ctx) {
    const t = ctx.incident.targets;
    const commands = t.node ? [kubectl(t, null, "cordon", t.node)] : [];
    if (!t.node) return { changes: [], commands, warnings: [], blocked: "The pod is not scheduled on a node." };
    const node = await readNode(ctx);
    if (!node) return { changes: [], commands, warnings: [], blocked: `Node ${t.node} no longer exists.` };
    const before = node.spec?.unschedulable === true;
    const warnings: Warning[] = [];
    const repair = autoRepairWarning(await clusterFacts(ctx), "cordon", ctx);
    if (repair) warnings.push(repair);
    if (before) {
      return {
        changes: [],
        commands,
        warnings,
        noop: true,
        data: { node: t.node, wasUnschedulable: true },
      };
    }
    const dry = await dryRun(`cordoning ${t.node}`, () =>
      apis(ctx).core.patchNode({ name: t.node!, body: patch(true), dryRun: "All" }, patchOptions(PatchStrategy.StrategicMergePatch)),
    );
    return {
      changes: [{ target: `Node ${t.node}`, action: "patch", field: "spec.unschedulable", before: node.spec?.unschedulable ?? false, after: true }],
      commands,
      warnings,
      dryRun: dry,
      data: { node: t.node, wasUnschedulable: false },
    };
  },

  async execute(ctx, plan) {
    const name = ctx.incident.targets.node!;
    const node = await readNode(ctx);
    if (!node) throw kubeFailure(`Cordoning ${name}`, { code: 404 });
    if (node.spec?.unschedulable === true) {
      // The plan being executed saw the node schedulable, so a cordon found now is ours from an
      // interrupted run; a plan that already saw it cordoned means someone else did it.
      const prior = ctx.priorRecord();
      return {
        outcome: "noop",
        message: `Node ${name} is already cordoned; nothing changed.`,
        record: prior ?? { node: name, cordonedByAirlock: plan.data.wasUnschedulable === false },
      };
    }
    const record = { node: name, cordonedByAirlock: true, priorUnschedulable: false };
    // Kept before the write: a run that fails after its cordon landed still holds what undo needs.
    await ctx.keepRecord(record);
    try {
      await withRetry(() => apis(ctx).core.patchNode({ name, body: patch(true) }, patchOptions(PatchStrategy.StrategicMergePatch)));
    } catch (err) {
      throw kubeFailure(`Cordoning ${name}`, err);
    }
    return { outcome: "success", message: `Node ${name} cordoned: no new pods will be scheduled on it.`, record };
  },

  async verify(ctx) {
    const node = await readNode(ctx);
    if (!node) return { holds: false, message: `Node ${ctx.incident.targets.node} no longer exists.` };
    const holds = node.spec?.unschedulable === true;
    return { holds, message: holds ? `Node ${node.metadata?.name} is cordoned (spec.unschedulable: true).` : `Node ${node.metadata?.name} is schedulable.` };
  },

  async undo(ctx, record) {
    const name = record?.node ?? ctx.incident.targets.node;
    if (!name) return { outcome: "noop", message: "No node to uncordon." };
    if (record?.cordonedByAirlock !== true) {
      return { outcome: "noop", message: `Node ${name} was already cordoned before Airlock; it stays cordoned.` };
    }
    const node = await readNode(ctx);
    if (!node) return { outcome: "noop", message: `Node ${name} no longer exists.` };
    if (node.spec?.unschedulable !== true) return { outcome: "noop", message: `Node ${name} is already schedulable.` };
    try {
      await withRetry(() => apis(ctx).core.patchNode({ name, body: patch(false) }, patchOptions(PatchStrategy.StrategicMergePatch)));
    } catch (err) {
      throw kubeFailure(`Uncordoning ${name}`, err);
    }
    return { outcome: "success", message: `Node ${name} uncordoned (${kubectl(ctx.incident.targets, null, "uncordon", name)}).` };
  },
});
