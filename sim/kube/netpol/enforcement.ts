import type { World } from "../../world";
import type { SimCluster } from "../cluster";

// Whether a cluster enforces NetworkPolicy at all, read from its GKE description the way
// ERRATA 4 says the console must read it: Dataplane V2 enforces without the Calico add-on,
// so looking at networkPolicy.enabled alone would call those clusters "disabled".
export interface Enforcement {
  enforced: boolean;
  reason: string;
}

export function netpolEnforcement(world: World, cluster: SimCluster): Enforcement {
  const gke = world.gcp.gkeClusters.get(`${cluster.location}/${cluster.name}`);
  if (!gke) return { enforced: false, reason: `no GKE description for ${cluster.location}/${cluster.name}: NetworkPolicy not enforced` };
  if (gke.autopilot?.enabled === true) return { enforced: true, reason: "Autopilot cluster (always Dataplane V2): NetworkPolicy enforced" };
  if (gke.networkConfig?.datapathProvider === "ADVANCED_DATAPATH") {
    return { enforced: true, reason: "Dataplane V2 (networkConfig.datapathProvider ADVANCED_DATAPATH): NetworkPolicy enforced" };
  }
  const calico = gke.networkPolicy?.enabled === true;
  const addonDisabled = gke.addonsConfig?.networkPolicyConfig?.disabled === true;
  if (calico && !addonDisabled) return { enforced: true, reason: "Calico network policy add-on enabled: NetworkPolicy enforced" };
  if (calico && addonDisabled) {
    return { enforced: false, reason: "networkPolicy.enabled but addonsConfig.networkPolicyConfig.disabled: NetworkPolicy not enforced" };
  }
  return { enforced: false, reason: "legacy datapath without the network policy add-on: NetworkPolicy not enforced (policies are stored but have no effect)" };
}

export function netpolEnforced(world: World, cluster: SimCluster): boolean {
  return netpolEnforcement(world, cluster).enforced;
}

export function netpolEnforcementReason(world: World, cluster: SimCluster): string {
  return netpolEnforcement(world, cluster).reason;
}
