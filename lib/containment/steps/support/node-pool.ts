import "server-only";
import type { V1Node } from "@kubernetes/client-node";
import { containerClient } from "@/lib/gcp/clients";
import { HttpError } from "@/lib/http/errors";
import { statusOf, withRetry } from "@/lib/kube/retry";
import { getCluster } from "@/lib/clusters/registry";
import { kubeApis } from "@/lib/kube/clients";
import type { Incident } from "../../types";
import { readOrNull } from "./kube";

// What GKE may do to the incident's node on its own (repair it, scale it away, upgrade it):
// each of these replaces the VM and its boot disk, which is the evidence.

export const SCALE_DOWN_DISABLED = "cluster-autoscaler.kubernetes.io/scale-down-disabled";
export const NODE_POOL_LABEL = "cloud.google.com/gke-nodepool";

export type ThreatId = "auto-repair" | "autoscaling" | "auto-upgrade" | "autopilot";

export type NodeThreats = {
  node: string;
  /** GKE's resource name of the pool, `projects/p/locations/l/clusters/c/nodePools/np`; null off GKE. */
  poolPath: string | null;
  poolName: string | null;
  cluster: { project: string; location: string; name: string } | null;
  autopilot: boolean;
  management: { autoRepair: boolean; autoUpgrade: boolean } | null;
  autoscaling: boolean;
  /** The Node carries scale-down-disabled: "true" (the autoscaler leaves it alone). */
  scaleDownDisabled: boolean;
  threats: { id: ThreatId; message: string }[];
};

/** The GKE coordinates of the incident's cluster, or null when it is not a known GKE cluster. */
async function gkeCluster(incident: Incident) {
  // Unreadable facts leave the threats unknown (no pool found), which plans warn about; never a guess.
  const facts = await getCluster(incident.targets.cluster).catch(() => null);
  if (!facts?.project || !facts.location || !facts.name) return { facts, cluster: null };
  return { facts, cluster: { project: facts.project, location: facts.location, name: facts.name } };
}

export function poolPathOf(c: { project: string; location: string; name: string }, pool: string): string {
  return `projects/${c.project}/locations/${c.location}/clusters/${c.name}/nodePools/${pool}`;
}

export async function readNodePool(path: string) {
  try {
    const [pool] = await withRetry(() => containerClient().getNodePool({ name: path }));
    return pool;
  } catch (err) {
    if (statusOf(err) === 404) return null;
    throw err;
  }
}

/** Reads the node, its pool and its cluster; null when the node is gone. Reads only (plans and preflight call it). */
export async function nodeThreats(incident: Incident, knownNode?: V1Node | null): Promise<NodeThreats | null> {
  const name = incident.targets.node;
  if (!name) return null;
  const node = knownNode ?? (await readOrNull(() => kubeApis(incident.targets.cluster).core.readNode({ name })));
  if (!node) return null;
  const { facts, cluster } = await gkeCluster(incident);
  const poolName = node.metadata?.labels?.[NODE_POOL_LABEL] ?? null;
  const poolPath = cluster && poolName ? poolPathOf(cluster, poolName) : null;
  const pool = poolPath ? await readNodePool(poolPath) : null;
  const autopilot = facts?.autopilot === true;
  const management = pool ? { autoRepair: pool.management?.autoRepair === true, autoUpgrade: pool.management?.autoUpgrade === true } : null;
  const autoscaling = pool?.autoscaling?.enabled === true;
  const scaleDownDisabled = node.metadata?.annotations?.[SCALE_DOWN_DISABLED] === "true";
  const threats: NodeThreats["threats"] = [];
  if (autopilot) {
    threats.push({ id: "autopilot", message: "Autopilot: Google manages the nodes; repair, upgrade and scale-down cannot be turned off for one node." });
  }
  if (management?.autoRepair) {
    threats.push({
      id: "auto-repair",
      message: `Auto-repair (pool ${poolName}): a node NotReady for about 10 minutes (as node isolation makes it) is recreated, boot disk and all.`,
    });
  }
  if (autoscaling && !scaleDownDisabled) {
    threats.push({
      id: "autoscaling",
      message: `Autoscaling (pool ${poolName}): a node empty of workloads for about 10 minutes (as a drain leaves it) is deleted.`,
    });
  }
  if (management?.autoUpgrade) {
    const surge = pool?.upgradeSettings?.maxSurge ?? 1;
    threats.push({
      id: "auto-upgrade",
      message: `Auto-upgrade (pool ${poolName}, surge ${surge}): an upgrade replaces every node of the pool, this one included.`,
    });
  }
  return { node: name, poolPath, poolName, cluster, autopilot, management, autoscaling, scaleDownDisabled, threats };
}

/**
 * Waits for a GKE operation until DONE, as gcloud does (operations.get until DONE). Throws with
 * the operation's own error message when it failed.
 */
export async function waitGkeOperation(
  op: { name?: string | null; status?: unknown; error?: { message?: string | null } | null; statusMessage?: string | null } | undefined,
  where: { project: string; location: string },
): Promise<void> {
  let cur = op;
  const done = (o: typeof cur) => o?.status === "DONE" || o?.status === 3; // REST name, or the proto enum number
  for (let i = 0; i < 120 && cur?.name && !done(cur); i++) {
    await new Promise((r) => setTimeout(r, i === 0 ? 0 : 500));
    const [next] = await withRetry(() =>
      containerClient().getOperation({ name: `projects/${where.project}/locations/${where.location}/operations/${cur!.name}` }),
    );
    cur = next;
  }
  const message = cur?.error?.message || (cur?.statusMessage && !done(cur) ? cur.statusMessage : null);
  if (message) throw new HttpError(502, `The GKE operation failed: ${message}`);
  if (cur?.name && !done(cur)) throw new HttpError(504, "The GKE operation did not finish in time; check it with gcloud container operations list.");
}
