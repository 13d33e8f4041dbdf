import "server-only";
import { z } from "zod";
import { HttpError } from "@/lib/http/errors";
import { defineStep, type StepContext, type Warning } from "../types";
import { kubectl } from "./support/commands";
import { apis, isNotFound, kubeFailure, kubeMessage, podGone, readIncidentPod, readOrNull, withRetry } from "./support/kube";
import { suspectContainer } from "./support/toolbox";

// Checkpoints the suspect container (memory and filesystem changes, CRIU) through the kubelet's
// checkpoint API (KEP-2008), reached through the API server's node proxy. The container keeps
// running. The archive lands on the node's disk, not in Airlock's evidence store: the record
// names where. Most GKE kubelets do not serve the API today; the plan reads the kubelet's
// configuration (read-only) to block early, and a 404 at execute means the same.

const params = z.object({ container: z.string().trim().max(63).optional() });

type Data = { node: string; target: string };

const record = z.object({
  at: z.string(),
  node: z.string(),
  /** The node's uid when checkpointed: GKE recreates a node under the same name, on a new disk. */
  nodeUid: z.string().nullable().optional(),
  target: z.string(),
  archives: z.array(z.string()),
});
type RunRecord = z.output<typeof record>;

const ARCHIVE_DIR = "/var/lib/kubelet/checkpoints";

/** What the kubelet's configuration says about ContainerCheckpoint: on, off, or unknown (not readable or not set). */
async function checkpointGate(ctx: StepContext, node: string): Promise<{ gate: boolean | null; why?: string }> {
  try {
    const text = await withRetry(() => apis(ctx).core.connectGetNodeProxyWithPath({ name: node, path: "configz" }));
    const parsed: unknown = typeof text === "string" ? JSON.parse(text) : text;
    const gates = z.object({ kubeletconfig: z.object({ featureGates: z.record(z.string(), z.boolean()).optional() }) }).safeParse(parsed);
    const gate = gates.success ? gates.data.kubeletconfig.featureGates?.ContainerCheckpoint : undefined;
    return { gate: gate ?? null, why: gate === undefined ? "the kubelet's configuration does not set ContainerCheckpoint" : undefined };
  } catch (err) {
    return { gate: null, why: `the kubelet's configuration could not be read (${kubeMessage(err)})` };
  }
}

function archivePath(t: { namespace: string; pod: string }, target: string): string {
  return `${ARCHIVE_DIR}/checkpoint-${t.pod}_${t.namespace}-${target}-<time>.tar`;
}

export const checkpointContainer = defineStep<Data, RunRecord>()({
  id: "checkpoint-container",
  stage: "evidence",
  title: "Checkpoint the container (kubelet)",
  risk: "read-only",
  role: "analyst",
  summary:
    "Asks the node's kubelet, through the API server's node proxy, to checkpoint the suspect container (memory and filesystem changes) into an archive on the node. The container keeps running. Blocked where the kubelet does not serve the checkpoint API.",
  params,
  record,
  ui: {
    form: [{ kind: "select", name: "container", label: "Suspect container", from: "containers" }],
    panel: { kind: "last-result", label: "Checkpoint" },
    releaseNote: `Not undoable: the checkpoint archive stays on the node under ${ARCHIVE_DIR} (it holds the container's memory, secrets included): copy it off or snapshot the disk, then delete it by hand.`,
  },
  needs: {
    kube: [
      { verb: "get", resource: "pods" },
      { verb: "get", resource: "nodes" },
      { verb: "get", resource: "nodes", subresource: "proxy" },
      { verb: "create", resource: "nodes", subresource: "proxy" },
    ],
  },

  async plan(ctx) {
    const t = ctx.incident.targets;
    const target = suspectContainer(ctx);
    const pod = await readIncidentPod(ctx);
    if (!pod) return { changes: [], commands: [], warnings: [], blocked: podGone(ctx) };
    const node = pod.spec?.nodeName;
    if (!node) return { changes: [], commands: [], warnings: [], blocked: `Pod ${t.pod} is not on a node.` };
    if (!target || !(pod.status?.containerStatuses ?? []).find((s) => s.name === target)?.state?.running)
      return {
        changes: [],
        commands: [],
        warnings: [],
        blocked: `Container ${target ?? "(none named)"} is not running in ${t.pod}: there is nothing to checkpoint.`,
      };
    const commands = [
      kubectl(t, null, "get", "--raw", `/api/v1/nodes/${node}/proxy/configz`),
      kubectl(t, null, "create", "--raw", `/api/v1/nodes/${node}/proxy/checkpoint/${t.namespace}/${t.pod}/${target}`, "-f", "/dev/null"),
    ];
    const { gate, why } = await checkpointGate(ctx, node);
    if (gate === false)
      return {
        changes: [],
        commands,
        warnings: [],
        blocked: `The kubelet on ${node} has the ContainerCheckpoint feature gate off, so it does not serve the checkpoint API (true of most GKE clusters today). Use snapshot-node-disk and acquire-files instead.`,
      };
    const warnings: Warning[] = [
      {
        level: "caution",
        code: "archive-on-node",
        message: `The archive is written on node ${node} under ${ARCHIVE_DIR}, not into Airlock's evidence store; it holds the container's memory (secrets included). Copy it off before the node is drained or deleted.`,
      },
      ...(gate === null
        ? [{ level: "info" as const, code: "checkpoint-unknown", message: `Support unknown: ${why}. A 404 when run means the kubelet lacks the feature.` }]
        : []),
      {
        level: "info",
        code: "runtime-support",
        message: "The container runtime must support checkpointing (CRIU); otherwise the kubelet answers with an error and nothing is written.",
      },
    ];
    return {
      changes: [{ target: `Node ${node} (kubelet)`, action: "snapshot", field: `checkpoint ${t.namespace}/${t.pod}/${target}`, after: archivePath(t, target) }],
      commands,
      warnings,
      data: { node, target },
    };
  },

  async execute(ctx, plan) {
    const t = ctx.incident.targets;
    const { node, target } = plan.data;
    let text: string;
    try {
      // Not retried: each call writes another archive on the node.
      text = await apis(ctx).core.connectPostNodeProxyWithPath({ name: node, path: `checkpoint/${t.namespace}/${t.pod}/${target}` });
    } catch (err) {
      if (isNotFound(err))
        throw new HttpError(
          409,
          `The kubelet on ${node} answered 404 to the checkpoint request: it lacks the checkpoint feature (ContainerCheckpoint), or the container is gone.`,
        );
      throw kubeFailure(`Checkpointing ${t.pod}/${target} on ${node}`, err);
    }
    let reply: unknown = null;
    try {
      reply = typeof text === "string" ? JSON.parse(text || "{}") : text;
    } catch {
      // Not JSON: no archive named, said below.
    }
    const parsed = z.object({ items: z.array(z.string()).min(1) }).safeParse(reply);
    if (!parsed.success) throw new HttpError(502, `The kubelet on ${node} answered the checkpoint request without naming an archive.`);
    const archives = parsed.data.items;
    const nodeUid = (await readOrNull(() => apis(ctx).core.readNode({ name: node })))?.metadata?.uid ?? null;
    return {
      outcome: "success",
      message: `Checkpoint of ${t.pod}/${target} written on node ${node}: ${archives.join(", ")} (on the node's disk; not in the evidence store).`,
      record: { at: new Date().toISOString(), node, nodeUid, target, archives },
    };
  },

  async verify(ctx) {
    const prior = ctx.priorRecord();
    if (!prior) return { holds: false, message: "No checkpoint taken yet." };
    const node = await readOrNull(() => apis(ctx).core.readNode({ name: prior.node }));
    if (!node) return { holds: false, message: `Node ${prior.node} is gone, and with it the checkpoint archive ${prior.archives.join(", ")}.` };
    if (prior.nodeUid && node.metadata?.uid !== prior.nodeUid)
      return {
        holds: false,
        message: `Node ${prior.node} was recreated since the checkpoint (another uid): the archive ${prior.archives.join(", ")} was on the old node's disk.`,
      };
    return {
      holds: true,
      message: `Checkpoint archive ${prior.archives.join(", ")} on node ${prior.node} (written ${prior.at}); copy it off the node before it is drained or deleted.`,
    };
  },
});
