import "server-only";
import { z } from "zod";
import { containerClient } from "@/lib/gcp/clients";
import { defineStep, type Change, type PlanLock, type StepContext, type Warning } from "../types";
import { abandonNodeVm } from "./abandon-node-vm";
import { kubectl, sh } from "./support/commands";
import { gcpFailure } from "./support/gcp";
import { apis, dryRun, kubeFailure, patchOptions, PatchStrategy, readOrNull, withRetry } from "./support/kube";
import { nodeThreats, readNodePool, SCALE_DOWN_DISABLED, waitGkeOperation, type NodeThreats } from "./support/node-pool";

// Node isolation makes the node NotReady and a drain leaves it empty: exactly what GKE's
// auto-repair and the cluster autoscaler replace, boot disk (the evidence) and all. This step
// keeps the node where it is before either runs. Abandoning the VM from its instance group is
// the other way (google/cloud-forensics-utils does it), but it cannot be undone, and a step's
// risk is fixed per step: it is its own destructive step, abandon-node-vm.

const params = z.object({
  mode: z.enum(["disable-repair", "abandon"]).default("disable-repair"),
});

type Data = {
  node: string;
  annotationBefore: string | null;
  pool: { path: string; project: string; location: string; autoRepair: boolean; autoUpgrade: boolean } | null;
};

const record = z.object({
  node: z.string(),
  /** The node's scale-down-disabled annotation before Airlock set it (null: absent). */
  annotationBefore: z.string().nullable(),
  /** The pool's management before Airlock turned it off; null when it was already off (nothing to restore). */
  pool: z.object({ path: z.string(), project: z.string(), location: z.string(), autoRepair: z.boolean(), autoUpgrade: z.boolean() }).nullable(),
});
type RunRecord = z.output<typeof record>;

const annotate = (value: string | null) => ({ metadata: { annotations: { [SCALE_DOWN_DISABLED]: value } } });

function commandsFor(ctx: StepContext, t: NodeThreats | null): string[] {
  const node = ctx.incident.targets.node;
  if (!node) return [];
  const out = [kubectl(ctx.incident.targets, null, "annotate", "--overwrite", "node", node, `${SCALE_DOWN_DISABLED}=true`)];
  if (t?.cluster && t.poolName) {
    out.push(
      sh(
        "gcloud",
        "container",
        "node-pools",
        "update",
        t.poolName,
        "--cluster",
        t.cluster.name,
        "--location",
        t.cluster.location,
        "--no-enable-autorepair",
        "--no-enable-autoupgrade",
        "--project",
        t.cluster.project,
      ),
    );
  }
  return out;
}

type Management = { autoRepair: boolean; autoUpgrade: boolean };

/**
 * Brings the pool's management to `want` unless it already is; true when Airlock sent it.
 * setManagement is a custom method (POST …:setManagement) that replaces the whole management
 * object, and a failure after it (a dropped answer, its operation unreadable) does not say
 * whether GKE applied it: every try reads the pool first, so a repeat (a retry here, or the
 * operator's next run) that finds `want` in place sends nothing. The client library does not
 * retry it on its own (non_idempotent in the ClusterManager client config).
 */
async function ensureManagement(path: string, where: { project: string; location: string }, want: Management): Promise<boolean> {
  return withRetry(async (attempt) => {
    const current = await readNodePool(path);
    if (!current) throw gcpFailure(`Reading node pool ${path}`, { code: 404 });
    const m = current.management;
    if ((m?.autoRepair === true) === want.autoRepair && (m?.autoUpgrade === true) === want.autoUpgrade) return attempt > 1;
    // Both fields are always sent: the call replaces the whole management object.
    const [op] = await containerClient().setNodePoolManagement({ name: path, management: { autoRepair: want.autoRepair, autoUpgrade: want.autoUpgrade } });
    await waitGkeOperation(op, where);
    return true;
  });
}

export const protectNode = defineStep<Data, RunRecord>()({
  id: "protect-node",
  stage: "isolate",
  title: "Protect the node from GKE",
  risk: "reversible",
  role: "analyst",
  summary:
    "Keeps GKE from replacing the node (and its boot disk) while it is isolated: annotates it scale-down-disabled for the cluster autoscaler and turns off auto-repair and auto-upgrade on its node pool.",
  params,
  record,
  ui: {
    form: [
      {
        kind: "radio",
        name: "mode",
        legend: "How to keep the node",
        options: [
          { value: "disable-repair", label: "turn off auto-repair and auto-upgrade on the node pool (reversible; the whole pool)" },
          { value: "abandon", label: "abandon the VM from its instance group (irreversible: use abandon-node-vm)" },
        ],
        default: "disable-repair",
      },
    ],
    undoEffect:
      "Restores the node pool's auto-repair and auto-upgrade as they were and removes the node's scale-down-disabled annotation (if Airlock added it).",
  },
  needs: {
    kube: [
      { verb: "get", resource: "nodes" },
      { verb: "patch", resource: "nodes" },
    ],
    gcp: ["container.clusters.get", "container.clusters.update", "container.operations.get"],
  },

  async plan(ctx) {
    const node = ctx.incident.targets.node;
    if (!node) return { changes: [], commands: [], warnings: [], blocked: "The pod is not scheduled on a node." };
    const live = await readOrNull(() => apis(ctx).core.readNode({ name: node }));
    if (!live) return { changes: [], commands: [], warnings: [], blocked: `Node ${node} no longer exists.` };
    const t = await nodeThreats(ctx.incident, live);
    const commands = commandsFor(ctx, t);
    if (ctx.params.mode === "abandon") {
      return {
        changes: [],
        commands: [],
        warnings: [],
        blocked:
          "Abandoning the VM from its instance group cannot be undone, so it is its own destructive step that needs an approver: run abandon-node-vm instead.",
      };
    }
    if (t?.autopilot) {
      return {
        changes: [],
        commands,
        warnings: [],
        blocked:
          "Autopilot cluster: Google manages its nodes, and auto-repair, auto-upgrade and scale-down cannot be turned off for a node or a pool. Snapshot the node's boot disk (snapshot-node-disk) and collect evidence before isolating; the node may be replaced.",
      };
    }
    const warnings: Warning[] = (t?.threats ?? []).map((x) => ({ level: "caution", code: `threat-${x.id}`, message: x.message }));
    const before = live.metadata?.annotations?.[SCALE_DOWN_DISABLED] ?? null;
    const changes: Change[] = [];
    if (before !== "true")
      changes.push({ target: `Node ${node}`, action: "patch", field: `metadata.annotations.${SCALE_DOWN_DISABLED}`, before, after: "true" });
    let pool: Data["pool"] = null;
    if (t?.poolPath && t.cluster && t.management) {
      pool = { path: t.poolPath, project: t.cluster.project, location: t.cluster.location, ...t.management };
      if (t.management.autoRepair || t.management.autoUpgrade) {
        changes.push({
          target: `Node pool ${t.poolName}`,
          action: "patch",
          field: "management",
          before: t.management,
          after: { autoRepair: false, autoUpgrade: false },
        });
        warnings.push({
          level: "danger",
          code: "whole-pool",
          message: `Auto-repair and auto-upgrade are turned off for the whole pool ${t.poolName}, not only this node: every node in it stays unrepaired until the step is released.`,
        });
      }
    } else {
      warnings.push({
        level: "caution",
        code: "no-node-pool",
        message: "Airlock could not find this node's GKE node pool: only the autoscaler annotation is set; auto-repair may still replace the node.",
      });
    }
    if (!changes.length) return { changes, commands, warnings, noop: true, data: { node, annotationBefore: before, pool } };
    const dry = await dryRun(`annotating ${node}`, () =>
      apis(ctx).core.patchNode({ name: node, body: annotate("true"), dryRun: "All" }, patchOptions(PatchStrategy.MergePatch)),
    );
    return { changes, commands, warnings, dryRun: dry, data: { node, annotationBefore: before, pool } };
  },

  async execute(ctx, plan) {
    const { node, pool } = plan.data;
    // A repeat keeps the first run's record: it holds what the node and pool were before Airlock.
    const rec: RunRecord = ctx.priorRecord() ?? {
      node,
      annotationBefore: plan.data.annotationBefore,
      pool: pool && (pool.autoRepair || pool.autoUpgrade) ? pool : null,
    };
    const live = await readOrNull(() => apis(ctx).core.readNode({ name: node }));
    if (!live) throw kubeFailure(`Annotating ${node}`, { code: 404 });
    let changed = false;
    // Kept before any write: a run that fails after its change landed still holds what undo needs.
    await ctx.keepRecord(rec);
    if (live.metadata?.annotations?.[SCALE_DOWN_DISABLED] !== "true") {
      try {
        await withRetry(() => apis(ctx).core.patchNode({ name: node, body: annotate("true") }, patchOptions(PatchStrategy.MergePatch)));
      } catch (err) {
        throw kubeFailure(`Annotating ${node}`, err);
      }
      changed = true;
    }
    if (pool) {
      try {
        if (await ensureManagement(pool.path, pool, { autoRepair: false, autoUpgrade: false })) changed = true;
      } catch (err) {
        throw gcpFailure(`Turning off auto-repair and auto-upgrade on ${pool.path}`, err);
      }
    }
    return {
      outcome: changed ? "success" : "noop",
      message: changed
        ? `Node ${node} is protected: annotated ${SCALE_DOWN_DISABLED}=true${pool ? ", auto-repair and auto-upgrade off on its pool" : ""}.`
        : `Node ${node} was already protected; nothing changed.`,
      record: rec,
    };
  },

  async verify(ctx) {
    const node = ctx.incident.targets.node;
    if (!node) return { holds: false, message: "The pod is not scheduled on a node." };
    const live = await readOrNull(() => apis(ctx).core.readNode({ name: node }));
    if (!live) return { holds: false, message: `Node ${node} no longer exists.` };
    const t = await nodeThreats(ctx.incident, live);
    const annotated = live.metadata?.annotations?.[SCALE_DOWN_DISABLED] === "true";
    const left = (t?.threats ?? []).filter((x) => x.id === "auto-repair" || x.id === "auto-upgrade" || x.id === "autoscaling");
    const holds = annotated && left.length === 0 && t?.management != null;
    if (holds) return { holds, message: `Node ${node} is annotated ${SCALE_DOWN_DISABLED}=true and pool ${t?.poolName} has auto-repair and auto-upgrade off.` };
    const why = [
      ...(annotated ? [] : [`node ${node} lacks ${SCALE_DOWN_DISABLED}=true`]),
      ...left.map((x) => x.id),
      ...(t?.management == null ? ["its node pool could not be read"] : []),
    ];
    return { holds: false, message: `Node ${node} is not protected: ${why.join("; ")}.` };
  },

  async undo(ctx, rec) {
    const node = rec?.node ?? ctx.incident.targets.node;
    if (!node || !rec) return { outcome: "noop", message: "Nothing recorded to restore." };
    const done: string[] = [];
    if (rec.pool) {
      try {
        // Restored from the record (what the pool was before Airlock), never from a live read.
        await ensureManagement(rec.pool.path, rec.pool, { autoRepair: rec.pool.autoRepair, autoUpgrade: rec.pool.autoUpgrade });
      } catch (err) {
        throw gcpFailure(`Restoring the management of ${rec.pool.path}`, err);
      }
      done.push(`pool management restored (auto-repair ${rec.pool.autoRepair ? "on" : "off"}, auto-upgrade ${rec.pool.autoUpgrade ? "on" : "off"})`);
    }
    if (rec.annotationBefore !== "true") {
      const live = await readOrNull(() => apis(ctx).core.readNode({ name: node }));
      if (live) {
        try {
          await withRetry(() => apis(ctx).core.patchNode({ name: node, body: annotate(rec.annotationBefore) }, patchOptions(PatchStrategy.MergePatch)));
        } catch (err) {
          throw kubeFailure(`Restoring the annotations of ${node}`, err);
        }
        done.push(`${SCALE_DOWN_DISABLED} ${rec.annotationBefore === null ? "removed" : `set back to ${rec.annotationBefore}`}`);
      }
    }
    if (!done.length) return { outcome: "noop", message: `Node ${node} and its pool were protected before Airlock; they stay so.` };
    return { outcome: "success", message: `Node ${node}: ${done.join("; ")}.` };
  },
});

/**
 * The lock drain-node and firewall-isolate carry while GKE may still replace the node: a drain
 * leaves it empty (the autoscaler's pick) and isolation makes it NotReady (auto-repair's). Lifted
 * once protect-node or abandon-node-vm has succeeded for this incident, or by an approver's
 * override. Reads only; undefined where nothing threatens the node.
 */
export async function unprotectedNodeLock(ctx: StepContext, action: string): Promise<PlanLock | undefined> {
  if (ctx.priorRecordOf(protectNode) || ctx.priorRecordOf(abandonNodeVm)) return undefined;
  const t = await nodeThreats(ctx.incident);
  if (!t?.threats.length) return undefined;
  return {
    id: "protect-node-first",
    message:
      `GKE may replace node ${t.node} ${action}: ${t.threats.map((x) => x.id).join(", ")}. ` +
      (t.autopilot
        ? "On Autopilot it cannot be protected: snapshot the boot disk and collect evidence, then an approver may override with a reason."
        : "Run protect-node (or abandon-node-vm) first; an approver may override with a reason."),
    skips: "the node is left unprotected",
  };
}
