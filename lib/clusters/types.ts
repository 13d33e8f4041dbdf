// Plain data shapes the browse services return and client components render. No server code
// here: client components import these types.

export type ClusterSource = "kubeconfig" | "gke" | "both";

export type NetworkPolicyEnforcement = {
  enforced: boolean;
  /** false when Airlock has no GKE description to decide from (a non-GKE or undiscovered cluster). */
  determined: boolean;
  /** "Dataplane V2 (ADVANCED_DATAPATH)", "Calico add-on enabled", or why not. */
  reason: string;
};

export type ClusterSummary = {
  /** The kubeconfig context name (for a GKE-only cluster: the name get-credentials would give it). */
  id: string;
  name: string;
  project: string | null;
  location: string | null;
  source: ClusterSource;
  kubernetesVersion: string | null;
  autopilot: boolean | null;
  /** "ADVANCED_DATAPATH" (Dataplane V2), "LEGACY_DATAPATH", or null when unknown. */
  datapath: string | null;
  networkPolicy: NetworkPolicyEnforcement;
  /** true when every node pool repairs nodes automatically (always on Autopilot). */
  autoRepair: boolean | null;
  nodeCount: number | null;
  podCount: number | null;
  reachable: boolean;
  error?: string;
};

export type ClusterInventory = {
  items: ClusterSummary[];
  /** Discovery failures that belong to no single cluster, e.g. a GCP project Airlock may not list. */
  problems: { project: string; message: string }[];
};

export type Page<T> = { items: T[]; continue?: string; remainingItemCount?: number };

export type ListQuery = {
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
  limit?: number;
  continue?: string;
};

export type OwnerRef = { kind: string; name: string };

export type NodeRow = {
  name: string;
  ready: boolean;
  cordoned: boolean;
  zone: string | null;
  instance: { project: string; zone: string; name: string } | null;
  internalIP: string | null;
  externalIP: string | null;
  /** Network tags of the VM from Compute; null when not a GCE node or Compute could not be read. */
  tags: string[] | null;
  podCount: number | null;
  kubeletVersion: string | null;
  createdAt: string | null;
  labels: Record<string, string>;
};

export type PodRow = {
  namespace: string;
  name: string;
  phase: string;
  ready: string;
  restarts: number;
  node: string | null;
  podIP: string | null;
  owner: OwnerRef | null;
  quarantined: boolean;
  createdAt: string | null;
  labels: Record<string, string>;
  /** Why an analyst should look at this pod first; absent where the list was not checked. */
  suspicion?: PodSuspicion;
};

export type PodSuspicion = {
  /** Security (Falco-style) Warning events on the pod, one entry per reason, most frequent first. */
  securityEvents: { reason: string; count: number }[];
  /** An incident not yet closed whose pod this is. */
  openIncident: { id: string; title: string } | null;
};

/** A page of pods, with whether its security events could be read (RBAC may forbid events). */
export type PodPage = Page<PodRow> & { securityEventsUnavailable?: boolean };

export type ServiceRow = {
  namespace: string;
  name: string;
  type: string;
  clusterIP: string | null;
  ports: string[];
  selector: Record<string, string> | null;
  /** A few pods the selector matches and how many in all; null for selector-less Services (or when unreadable). */
  selectedPods: SelectedPods | null;
};

export type NetworkPolicyRow = {
  namespace: string;
  name: string;
  podSelector: string;
  policyTypes: string[];
  selectedPods: SelectedPods | null;
};

/** `names` is a sample; `count` is the total the API server reported (null when it did not say). */
export type SelectedPods = { names: string[]; count: number | null; truncated: boolean };
