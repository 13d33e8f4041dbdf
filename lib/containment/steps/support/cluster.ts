import "server-only";
import { getCluster } from "@/lib/clusters/registry";
import type { ClusterSummary } from "@/lib/clusters/types";
import type { StepContext, Warning } from "../../types";

/** The cluster's enforcement and repair facts; null when they cannot be read (warn, do not guess). */
export async function clusterFacts(ctx: StepContext): Promise<ClusterSummary | null> {
  try {
    return await getCluster(ctx.incident.targets.cluster);
  } catch {
    return null;
  }
}

/** The step whose snapshot keeps the node's disk when GKE recreates the node. */
export const SNAPSHOT_STEP = { id: "snapshot-node-disk" };

/**
 * ERRATA 7: GKE repairs a NotReady node after ~10 min, and on Autopilot also a long-cordoned one.
 * Once this incident's snapshot is taken the disk survives a repair, so the warning says so
 * instead of asking for a snapshot that exists.
 */
export function autoRepairWarning(facts: ClusterSummary | null, what: "cordon" | "node-isolation", ctx?: Pick<StepContext, "hasTakenEffect">): Warning | null {
  if (ctx?.hasTakenEffect(SNAPSHOT_STEP)) {
    if (!facts || facts.autoRepair || facts.autopilot) {
      return {
        level: "info",
        code: "auto-repair",
        message:
          "GKE may recreate this node if it stays NotReady (or, on Autopilot, cordoned) for about 10 minutes; the boot disk is already snapshotted for this incident (snapshot-node-disk), so its disk survives that. Memory and running processes do not.",
      };
    }
    return null;
  }
  if (!facts) {
    return {
      level: "caution",
      code: "auto-repair",
      message:
        "Airlock could not read whether this cluster auto-repairs nodes. GKE replaces a node that stays NotReady for about 10 minutes (on Autopilot, also one that stays cordoned), which destroys the node and its evidence: snapshot the boot disk first.",
    };
  }
  if (facts.autopilot && what === "cordon") {
    return {
      level: "danger",
      code: "auto-repair",
      message:
        "Autopilot cluster: a node that stays cordoned for about 10 minutes may be repaired (recreated), destroying the node and its evidence. Snapshot the node's boot disk (snapshot-node-disk) and collect evidence first.",
    };
  }
  if (facts.autoRepair || facts.autopilot) {
    return {
      level: "danger",
      code: "auto-repair",
      message:
        what === "cordon"
          ? "Node auto-repair is on: if the node also goes NotReady for about 10 minutes, GKE recreates it and its evidence is lost. Snapshot the boot disk first."
          : "Node auto-repair is on: if isolation makes the node NotReady for about 10 minutes, GKE recreates it and the evidence on it is lost. Snapshot the boot disk (snapshot-node-disk) before isolating.",
    };
  }
  return null;
}
