// Runbooks: a fixed, ordered list of containment steps reviewed as one plan, confirmed once and
// run with one call. Each step still runs through the executor as itself; a runbook only decides
// the order, what an earlier step settles for a later one, and where to wait.

/**
 * The step that proves the pod-network layer holds, in both directions, by trying it. One
 * constant, so the check can be replaced without touching the runbook.
 */
export const ISOLATION_CHECK_STEP = "attest-isolation";

/** The step whose record says when the pod-network change takes effect (`effectiveAt`). */
export const PROPAGATION_STEP = "apply-deny-all";

export type RunbookStep = {
  stepId: string;
  /** Warning codes of later steps' plans this step settles (they are dropped from the combined plan). */
  settles?: string[];
  /** Plan locks of later steps this step lifts (e.g. protect-node lifts protect-node-first). */
  lifts?: string[];
  /** Run only once the NetworkPolicy propagation window of PROPAGATION_STEP has passed. */
  afterPropagation?: boolean;
};

/** Every runbook's id: the type, the doors' enum and RUNBOOKS all read them from here. */
export const RUNBOOK_IDS = ["isolate-pod", "isolate-node"] as const;
export type RunbookId = (typeof RUNBOOK_IDS)[number];

export type Runbook = {
  id: RunbookId;
  title: string;
  summary: string;
  /** Steps that must have taken effect for this incident before the runbook may run (evidence first). */
  requires: string[];
  steps: RunbookStep[];
};

export const RUNBOOKS: Runbook[] = [
  {
    id: "isolate-pod",
    title: "Isolate the pod's network",
    summary:
      "Labels the pod quarantine=true, excludes it from the allow policies that select it, applies the deny-all NetworkPolicy, waits out the propagation window, then attests the isolation: probe pods (each deleted afterwards) try the pod from every source its policies admitted and from other nodes, and an ephemeral container added to the pod (it stays in the pod spec) tries the way out.",
    requires: [],
    steps: [
      { stepId: "label-quarantine", settles: ["not-labelled"] },
      { stepId: "exclude-from-policies", settles: ["defeated-by-allow-policies"] },
      { stepId: PROPAGATION_STEP, settles: ["propagation"] },
      { stepId: ISOLATION_CHECK_STEP, afterPropagation: true },
    ],
  },
  {
    id: "isolate-node",
    title: "Isolate the node's VM",
    summary:
      "Once evidence is collected and the boot disk snapshotted: protects the node from GKE's repair and scale-down, tags its VM quarantine and creates the quarantine firewall rules (SSH from the investigator only).",
    requires: ["collect-evidence", "snapshot-node-disk"],
    steps: [{ stepId: "protect-node", lifts: ["protect-node-first"] }, { stepId: "tag-node", settles: ["untagged"] }, { stepId: "firewall-isolate" }],
  },
];

export function findRunbook(id: string): Runbook | undefined {
  return RUNBOOKS.find((r) => r.id === id);
}
