// The containment model every door reads: the wizard, /api/v1, approvals and the report all
// work from these step definitions, so adding a step is adding one file under steps/.
import type { Role } from "@/lib/auth/roles";

export type StageId = "evidence" | "isolate" | "network" | "services" | "node-network" | "eradicate";
export type Risk = "read-only" | "reversible" | "disruptive" | "destructive";

export const STAGES: { id: StageId; title: string }[] = [
  { id: "evidence", title: "Preserve evidence" },
  { id: "isolate", title: "Isolate the workload" },
  { id: "network", title: "Restrict pod network traffic" },
  { id: "services", title: "Detach Services" },
  { id: "node-network", title: "Isolate the node's VM" },
  { id: "eradicate", title: "Eradicate" },
];

/** What Airlock resolved about the incident's target when the incident was opened. */
export interface IncidentTargets {
  cluster: string; // kubeconfig context name
  namespace: string;
  pod: string;
  podUid: string;
  node: string | null;
  instance: { project: string; zone: string; name: string } | null;
  network: string | null; // VPC network name of the VM's nic0
  ownerChain: { kind: string; name: string; apiVersion: string; uid: string }[]; // pod's owner first, then its owner ...
  services: string[]; // names of Services in the namespace whose selector matches the pod
  networkPolicies: string[]; // names of policies in the namespace selecting the pod
  containers: string[];
}

export interface Incident {
  id: string;
  title: string;
  severity: "low" | "medium" | "high" | "critical";
  status: "open" | "contained" | "released" | "closed";
  createdBy: string;
  createdAt: string;
  targets: IncidentTargets;
}

export interface Warning {
  level: "info" | "caution" | "danger";
  /** e.g. "evidence-loss", "propagation", "no-enforcement", "self-heal", "control-plane-tunnels" */
  code: string;
  message: string;
}

/** One concrete change a plan will make, shown as a diff in the wizard. */
export interface Change {
  target: string; // e.g. "Node gke-…", "Pod shop/checkout-…", "Firewall quarantine-egress-deny"
  action: "create" | "patch" | "delete" | "evict" | "exec" | "snapshot" | "read";
  field?: string; // e.g. "spec.unschedulable", "metadata.labels.quarantine"
  before?: unknown;
  after?: unknown;
  note?: string;
}

export interface Plan {
  stepId: string;
  risk: Risk;
  changes: Change[];
  /** Equivalent commands a person could paste, in order. */
  commands: string[];
  warnings: Warning[];
  /** Result of a server-side dry run where the API has one. */
  dryRun?: { ok: boolean; message: string };
  /** Plan cannot succeed now (preflight failed, nothing to do …); shown before anyone clicks. */
  blocked?: string;
  /** Repeating a done step: nothing to change. */
  noop?: boolean;
  /** Step-specific facts execute needs (e.g. the labels to strip). Part of the hash. */
  data: Record<string, unknown>;
  /** sha256 over stepId, params, changes and data: what an approver saw is what runs. */
  planHash: string;
}

/** A plan as shown to people and sent through either door: what the approver saw is what runs. */
export type PlanView = {
  stepId: string;
  planHash: string;
  risk: Plan["risk"];
  changes: Plan["changes"];
  commands: string[];
  warnings: Warning[];
  requiresApproval: boolean;
  requiresConfirmation: boolean;
  blocked?: string;
  noop?: boolean;
  dryRun?: Plan["dryRun"];
};

export interface StepContext {
  incident: Incident;
  params: Record<string, unknown>;
  /** Appends progress lines (drain per pod) visible while the step runs. */
  progress(message: string, detail?: Record<string, unknown>): Promise<void>;
  /** Records of earlier runs of this incident's steps (for undo and release). */
  priorRecord(stepId: string): Record<string, unknown> | undefined;
}

export interface ExecuteResult {
  outcome: "success" | "noop";
  message: string;
  /** What undo/release needs later (original labels, removed access config …). */
  record?: Record<string, unknown>;
}

export interface VerifyResult {
  holds: boolean;
  message: string;
}

/** One Kubernetes permission a step needs, checked with a SelfSubjectAccessReview in preflight. */
export interface KubeNeed {
  verb: string; // "patch", "create", "delete", "get", "list"
  resource: string; // plural: "nodes", "pods", "networkpolicies"
  group?: string; // "" (core) when omitted; "apps", "networking.k8s.io", "policy"
  subresource?: string; // "eviction", "exec", "scale", "log"
  /** Cluster-scoped resources (nodes) are checked without a namespace; default: namespaced unless resource is "nodes". */
  clusterScoped?: boolean;
}

/** What a step needs before it can succeed; preflight reads it so a step that cannot run says so before anyone clicks. */
export interface StepNeeds {
  kube?: KubeNeed[];
  /** Google Cloud IAM permissions, e.g. "compute.instances.setTags", "compute.firewalls.create". */
  gcp?: string[];
  /** Only meaningful where the cluster enforces NetworkPolicy (deny-all, policy exclusion, probe). */
  networkPolicyEnforced?: boolean;
  /** Needs the node's GCE instance (tag, firewall, external IP, disk snapshot). */
  instance?: boolean;
  /** Needs a controller (Deployment/StatefulSet…) in the owner chain (scale-to-zero, delete-controller). */
  controller?: boolean;
}

export interface StepDefinition {
  id: string;
  stage: StageId;
  title: string;
  risk: Risk;
  /** Lowest role that may run it; approval policy (issue 5) may add an approver's sign-off. */
  role: Role;
  summary: string;
  /** zod schema for params; undefined when the step takes none. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  params?: import("zod").ZodType<any>;
  /** Optional: permissions and facts preflight checks for this step. */
  needs?: StepNeeds;
  plan(ctx: StepContext): Promise<Omit<Plan, "planHash" | "stepId" | "risk">>;
  execute(ctx: StepContext, plan: Plan): Promise<ExecuteResult>;
  verify(ctx: StepContext): Promise<VerifyResult>;
  undo?(ctx: StepContext, record: Record<string, unknown> | undefined): Promise<ExecuteResult>;
}
