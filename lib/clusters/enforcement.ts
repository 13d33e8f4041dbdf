import type { NetworkPolicyEnforcement } from "./types";

/** The parts of a GKE cluster description that decide NetworkPolicy enforcement. */
export type GkeEnforcementFacts = {
  autopilot?: { enabled?: boolean | null } | null;
  networkConfig?: { datapathProvider?: string | number | null } | null;
  networkPolicy?: { enabled?: boolean | null; provider?: string | number | null } | null;
  addonsConfig?: { networkPolicyConfig?: { disabled?: boolean | null } | null } | null;
};

// The container proto enum: REST returns the name, a decoded proto may carry the number.
const ADVANCED_DATAPATH = 2;
const LEGACY_DATAPATH = 1;

export function datapathOf(gke: GkeEnforcementFacts): string | null {
  const raw = gke.networkConfig?.datapathProvider;
  if (raw === "ADVANCED_DATAPATH" || raw === ADVANCED_DATAPATH) return "ADVANCED_DATAPATH";
  if (raw === "LEGACY_DATAPATH" || raw === LEGACY_DATAPATH) return "LEGACY_DATAPATH";
  // Unspecified means the default, which is the legacy (kube-proxy + iptables) datapath.
  return gke.autopilot?.enabled ? "ADVANCED_DATAPATH" : "LEGACY_DATAPATH";
}

/**
 * ERRATA 4: policy is enforced by Dataplane V2 (always on Autopilot) or by the Calico add-on
 * (both `networkPolicy.enabled` and the add-on not disabled). Reading `networkPolicy.enabled`
 * alone would call every Dataplane V2 cluster unprotected.
 */
export function networkPolicyEnforcement(gke: GkeEnforcementFacts | null | undefined): NetworkPolicyEnforcement {
  if (!gke) {
    return {
      enforced: false,
      determined: false,
      reason: "unknown: no GKE description for this cluster (not in GCP_PROJECTS, or not GKE); check how it enforces NetworkPolicy before relying on it",
    };
  }
  if (gke.autopilot?.enabled) {
    return { enforced: true, determined: true, reason: "enforced: Autopilot always runs Dataplane V2" };
  }
  if (datapathOf(gke) === "ADVANCED_DATAPATH") {
    return { enforced: true, determined: true, reason: "enforced: Dataplane V2 (ADVANCED_DATAPATH)" };
  }
  const calicoOn = gke.networkPolicy?.enabled === true && gke.addonsConfig?.networkPolicyConfig?.disabled !== true;
  if (calicoOn) {
    return { enforced: true, determined: true, reason: "enforced: Calico network policy add-on enabled" };
  }
  return {
    enforced: false,
    determined: true,
    reason: "not enforced: Calico add-on disabled and legacy datapath; enabling it now would recreate every node and destroy evidence",
  };
}
