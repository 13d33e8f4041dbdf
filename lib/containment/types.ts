// The containment model every door reads: the wizard, /api/v1, approvals and the report all
// work from these step definitions, so adding a step is adding one file under steps/ (and one
// line in steps/index.ts).
import type { ZodType } from "zod";
import type { Role } from "@/lib/auth/roles";
import type { ArtifactSink } from "./steps/support/artifacts";
import type { StepUi } from "./ui";

export type StageId = "evidence" | "isolate" | "network" | "credentials" | "services" | "node-network" | "eradicate";
export type Risk = "read-only" | "reversible" | "disruptive" | "destructive";

/** Least to most dangerous: a plan's risk is the highest of its step's and every raise. */
export const RISK_ORDER: readonly Risk[] = ["read-only", "reversible", "disruptive", "destructive"];

/**
 * A plan raising its step's risk because of what this plan does (a Service deleted, pods without
 * a controller deleted by force, a protected namespace): the reason is shown with the plan and
 * is part of its hash, so an approval covers exactly the raised plan.
 */
export type RiskRaise = { risk: Risk; reason: string };

export const STAGES: { id: StageId; title: string }[] = [
  { id: "evidence", title: "Preserve evidence" },
  { id: "isolate", title: "Isolate the workload" },
  { id: "network", title: "Restrict pod network traffic" },
  { id: "credentials", title: "Revoke credentials" },
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

export interface Plan<D = JsonObject> {
  stepId: string;
  /** The step's risk, or higher where the plan raised it (riskReasons says why). */
  risk: Risk;
  /** Why this plan's risk is above its step's; absent when it is not. */
  riskReasons?: string[];
  changes: Change[];
  /** Equivalent commands a person could paste, in order. */
  commands: string[];
  warnings: Warning[];
  /** Result of a server-side dry run where the API has one. */
  dryRun?: { ok: boolean; message: string };
  /** Plan cannot succeed now (preflight failed, nothing to do …); shown before anyone clicks. */
  blocked?: string;
  /**
   * `blocked` only until this step has run (exclude-from-policies waits for label-quarantine).
   * The rest of the plan is what it will be then, hash included, so a runbook that runs that
   * step first can show and seal both plans at once.
   */
  waitsFor?: string;
  /** Repeating a done step: nothing to change. */
  noop?: boolean;
  /** The plan could run, but a precondition the playbook sets is not met yet; only an approver may waive it, with a reason. */
  lock?: PlanLock;
  /** Step-specific facts execute needs (e.g. the labels to strip). Part of the hash. */
  data: D;
  /** sha256 over stepId, params, changes and data: what an approver saw is what runs. */
  planHash: string;
}

/**
 * A precondition an approver may waive with a written reason (evidence before eradication, the
 * node protected from GKE before it is isolated). Unlike `blocked`, the plan is complete: the
 * executor refuses it with `id` as the refusal's reason unless an approver overrides it, and the
 * override goes on the timeline (`override` entry: lock id and reason) before the intent.
 */
export type PlanLock = {
  /** Refusal reason and the override entry's `lock`, e.g. "evidence-first", "protect-node-first". */
  id: string;
  /** Why it is locked and what lifts it, shown before anyone clicks. */
  message: string;
  /** What an override skips, for the refusal of a too short reason: "Say why {skips}". */
  skips: string;
};

/** A plan as shown to people and sent through either door: what the approver saw is what runs. */
export type PlanView = {
  stepId: string;
  planHash: string;
  /** What the plan is for: executing the step (default) or undoing its latest run (release). */
  operation?: "execute" | "undo";
  risk: Plan["risk"];
  riskReasons?: string[];
  changes: Plan["changes"];
  commands: string[];
  warnings: Warning[];
  requiresApproval: boolean;
  requiresConfirmation: boolean;
  blocked?: string;
  waitsFor?: string;
  lock?: PlanLock;
  noop?: boolean;
  dryRun?: Plan["dryRun"];
};

/**
 * What undoing (releasing) a step will do, reviewed and hashed like an execution plan: the run
 * it reverses and the stored record it restores from. The undo carries `planHash` back and is
 * refused when the run or the record changed since.
 */
export type UndoPlanView = PlanView & {
  operation: "undo";
  /** The run being undone. */
  undoes: string;
  /** The stored record of that run: what undo restores from (never re-read from the workload). */
  restores: unknown;
  /** The step's own sentence for what undoing puts back. */
  effect: string | null;
  /** Why undoing would change nothing now, or null. */
  noopReason: string | null;
};

/** Plain JSON objects: what params, plan data and records are once they cross the database or the wire. */
export type JsonObject = Record<string, unknown>;

/** Where a step reads another step's record from: that step, so the record is typed and parsed by it. */
export type RecordSource<R> = { id: string; record: ZodType<R> };

export interface StepContext<P = JsonObject, R = JsonObject> {
  incident: Incident;
  params: P;
  /** Appends progress lines (drain per pod) visible while the step runs. */
  progress(message: string, detail?: JsonObject): Promise<void>;
  /**
   * Stores `record` on this run before the step changes anything (execute only; elsewhere it
   * does nothing). A run that then fails, its change applied but the answer lost, keeps what
   * undo needs: the noop retry that finds the change in place makes the step releasable and
   * reads this record through priorRecord. Call it with the record execute will return,
   * computed from the plan or priorRecord, never from state the workload can write.
   */
  keepRecord(record: R): Promise<void>;
  /**
   * This step's record for the change in effect (not undone): the latest of the runs that made
   * it or set out to (succeeded, or failed after keepRecord) and of the noops after them, parsed
   * by its `record` schema (a record from the database is untrusted JSON; one that does not
   * parse is an error, never a guess).
   */
  priorRecord(): R | undefined;
  /** Another step's latest record, typed and parsed by the step it names. */
  priorRecordOf<R2>(step: RecordSource<R2>): R2 | undefined;
  /**
   * Whether the named step has taken effect for this incident and is not undone since (its
   * latest execution succeeded or found it already done): plans read it so their warnings
   * follow what the incident already did ("snapshot the boot disk first" once it is snapshotted).
   */
  hasTakenEffect(step: { id: string }): boolean;
  /** The evidence store, during execute only: steps that collect evidence put each artifact as they read it. */
  artifacts?: ArtifactSink;
}

export interface ExecuteResult<R = JsonObject> {
  outcome: "success" | "noop";
  message: string;
  /** What undo/release needs later (original labels, removed access config …). */
  record?: R;
  /**
   * A read-only check's finding (attest-isolation: reachable or dropped). What the check found
   * is the run's verification, so the executor records it instead of checking a second time,
   * and a check that ran but found the pod reachable is "not contained", never a success.
   */
  verdict?: VerifyResult;
}

export interface VerifyResult {
  holds: boolean;
  message: string;
  /**
   * false when the check itself failed (an API error) and read nothing: `holds` is then false
   * without saying the effect is gone. Absent when the check ran.
   */
  checked?: false;
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
  /** Only meaningful where the cluster enforces NetworkPolicy (deny-all, policy exclusion). */
  networkPolicyEnforced?: boolean;
  /** Needs the node's GCE instance (tag, firewall, external IP, disk snapshot). */
  instance?: boolean;
  /** Needs a controller (Deployment/StatefulSet…) in the owner chain (scale-to-zero, delete-controller). */
  controller?: boolean;
}

/** What a step's `plan` returns; the executor adds stepId, risk (raised by `raise`) and the hash. */
export type StepPlan<D = JsonObject> = Omit<Plan<D>, "planHash" | "stepId" | "risk" | "riskReasons" | "data"> & {
  /** Raises this plan's risk above the step's, with the reason shown to people (e.g. delete mode on a Service). */
  raise?: RiskRaise[];
} &
  // A blocked plan never executes, so it need not carry the facts execute would need.
  ({ blocked: string; data?: Partial<D> } | { blocked?: undefined; data: D });

export interface StepDefinition<P = JsonObject, D = JsonObject, R = JsonObject, Id extends string = string> {
  id: Id;
  stage: StageId;
  title: string;
  risk: Risk;
  /** Lowest role that may run it; the approval policy may add an approver's sign-off. */
  role: Role;
  summary: string;
  /** zod schema for params; undefined when the step takes none. */
  params?: ZodType<P>;
  /** zod schema for the execute record, parsed whenever a record is read back from the database. */
  record?: ZodType<R>;
  /** Optional: permissions and facts preflight checks for this step. */
  needs?: StepNeeds;
  /** What the wizard shows for this step; plain data, so server components hand it to client ones. */
  ui?: StepUi<keyof P & string>;
  plan(ctx: StepContext<P, R>): Promise<StepPlan<D>>;
  execute(ctx: StepContext<P, R>, plan: Plan<D>): Promise<ExecuteResult<R>>;
  verify(ctx: StepContext<P, R>): Promise<VerifyResult>;
  undo?(ctx: StepContext<P, R>, record: R | undefined): Promise<ExecuteResult<JsonObject>>;
  /**
   * Optional, read-only: why undoing would change nothing now (the pod is gone, the labels are
   * back), or null. Release then asks no one to type the pod's name for it and says why.
   */
  undoNoop?(ctx: StepContext<P, R>, record: R | undefined): Promise<string | null>;
}

/** Any step, whatever its types: what the registry, the executor and the doors hold. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- erases each step's own P/D/R; method parameters stay checked per step
export type AnyStep = StepDefinition<any, any, any>;

/**
 * Declares a step with its types: `P` is inferred from the params schema; `D` (the plan's data)
 * and `R` (the execute record, whose zod schema is required here) are stated once at the top of
 * the step's file: `export const myStep = defineStep<Data, RunRecord>()({ id, params, record, … })`.
 * Curried because TypeScript cannot take some type arguments explicitly and infer the others;
 * explicit D and R also keep a step's type from depending on its own method bodies.
 * See docs/adding-a-step.md.
 */
export function defineStep<D extends JsonObject = JsonObject, R extends JsonObject = JsonObject>() {
  return <const Id extends string, P extends JsonObject = JsonObject>(
    step: StepDefinition<P, D, R, Id> & { record: ZodType<R> },
  ): StepDefinition<P, D, R, Id> & { record: ZodType<R> } => step;
}
