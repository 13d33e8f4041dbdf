import type { KObject, StoreEvent } from "../types";
import type { Controller, ControllerManager } from "./manager";
import { controllerOf, deepEqual, isPodReady, isTerminating, selectorMatches } from "./labels";

// The disruption controller: PodDisruptionBudget status from the pods its selector matches.
// Healthy means Ready and not being deleted; pods an eviction has just disrupted do not count
// (status.disruptedPods) until they are gone, so two quick evictions cannot both pass.

const DELETION_TIMEOUT_MS = 2 * 60 * 1000;

export interface Budget {
  expectedPods: number;
  desiredHealthy: number;
  currentHealthy: number;
  disruptionsAllowed: number;
  matching: KObject[];
}

function intOrPercent(v: number | string, total: number, roundUp: boolean): number {
  if (typeof v === "number") return v;
  const m = /^(\d+)%$/.exec(v);
  if (!m) return Number(v) || 0;
  const x = (Number(m[1]) * total) / 100;
  return roundUp ? Math.ceil(x) : Math.floor(x);
}

/** What the budget arithmetic reads: the store and pods by namespace. */
export type PodSource = Pick<ControllerManager, "store" | "podsIn">;

/** The scale of the controllers behind the pods, as getExpectedScale sums them. */
function expectedScale(m: PodSource, pods: KObject[]): number {
  const seen = new Set<string>();
  let total = 0;
  for (const pod of pods) {
    const ref = controllerOf(pod);
    if (!ref) continue;
    const ns = pod.metadata.namespace!;
    let owner: KObject | undefined;
    if (ref.kind === "ReplicaSet") {
      const rs = m.store.get("apps/replicasets", ns, ref.name);
      const dref = rs && controllerOf(rs);
      owner = dref?.kind === "Deployment" ? m.store.get("apps/deployments", ns, dref.name) : rs;
    } else if (ref.kind === "StatefulSet") owner = m.store.get("apps/statefulsets", ns, ref.name);
    if (!owner || seen.has(owner.metadata.uid!)) continue;
    seen.add(owner.metadata.uid!);
    total += (owner.spec?.replicas as number | undefined) ?? 1;
  }
  return total;
}

/** What a budget allows right now; eviction asks this too, so it never acts on stale status. */
export function computeBudget(m: PodSource, pdb: KObject, now: number): Budget {
  const ns = pdb.metadata.namespace!;
  const matching = [...m.podsIn(ns)].filter((p) => selectorMatches(pdb.spec?.selector, p.metadata.labels));
  const disrupted = (pdb.status?.disruptedPods ?? {}) as Record<string, string>;
  const currentHealthy = matching.filter((p) => {
    if (isTerminating(p) || !isPodReady(p)) return false;
    const t = disrupted[p.metadata.name];
    return !(t && Date.parse(t) + DELETION_TIMEOUT_MS > now);
  }).length;
  let expectedPods: number;
  let desiredHealthy: number;
  const spec = pdb.spec ?? {};
  if (spec.maxUnavailable !== undefined && spec.maxUnavailable !== null) {
    expectedPods = expectedScale(m, matching);
    desiredHealthy = Math.max(0, expectedPods - intOrPercent(spec.maxUnavailable, expectedPods, true));
  } else if (typeof spec.minAvailable === "string" && spec.minAvailable.endsWith("%")) {
    expectedPods = expectedScale(m, matching);
    desiredHealthy = intOrPercent(spec.minAvailable, expectedPods, true);
  } else {
    expectedPods = matching.filter((p) => !isTerminating(p) && p.status?.phase !== "Succeeded" && p.status?.phase !== "Failed").length;
    desiredHealthy = intOrPercent(spec.minAvailable ?? 1, expectedPods, true);
  }
  const disruptionsAllowed = Math.max(0, currentHealthy - desiredHealthy);
  return { expectedPods, desiredHealthy, currentHealthy, disruptionsAllowed, matching };
}

export class PdbController implements Controller {
  readonly name = "disruption";

  constructor(private readonly m: ControllerManager) {}

  resyncAll(): void {
    for (const pdb of this.m.store.scan("policy/poddisruptionbudgets")) this.m.enqueue(this, key(pdb));
  }

  observe(e: StoreEvent, previous?: KObject): void {
    if (e.resource === "policy/poddisruptionbudgets") {
      if (e.type !== "DELETED") this.m.enqueue(this, key(e.object));
    } else if (e.resource === "pods") {
      const ns = e.object.metadata.namespace!;
      for (const pdb of this.m.store.scan("policy/poddisruptionbudgets", { namespace: ns })) {
        if (selectorMatches(pdb.spec?.selector, e.object.metadata.labels) || (previous && selectorMatches(pdb.spec?.selector, previous.metadata.labels))) {
          this.m.enqueue(this, key(pdb));
        }
      }
    } else if (e.resource === "apps/deployments" || e.resource === "apps/statefulsets") {
      // A scale change moves expectedPods for percentage and maxUnavailable budgets.
      for (const pdb of this.m.store.scan("policy/poddisruptionbudgets", { namespace: e.object.metadata.namespace })) this.m.enqueue(this, key(pdb));
    }
  }

  sync(k: string): void {
    const [ns, name] = k.split("/");
    const pdb = this.m.store.get("policy/poddisruptionbudgets", ns, name);
    if (!pdb) return;
    const now = this.m.world.clock.now();
    const b = computeBudget(this.m, pdb, now);
    // Disrupted pods leave the map once deleted or after the timeout, as in the real controller.
    const disrupted: Record<string, string> = {};
    for (const [pod, t] of Object.entries((pdb.status?.disruptedPods ?? {}) as Record<string, string>)) {
      const p = this.m.store.get("pods", ns, pod);
      if (p && !isTerminating(p) && Date.parse(t) + DELETION_TIMEOUT_MS > now) disrupted[pod] = t;
    }
    const old = (pdb.status?.conditions ?? []) as { type: string; status: string; reason: string; lastTransitionTime: string }[];
    const allowed = b.disruptionsAllowed > 0;
    const prev = old.find((c) => c.type === "DisruptionAllowed");
    const reason = allowed ? "SufficientPods" : "InsufficientPods";
    const condition = {
      type: "DisruptionAllowed",
      status: allowed ? "True" : "False",
      observedGeneration: pdb.metadata.generation ?? 1,
      lastTransitionTime: prev && prev.status === (allowed ? "True" : "False") ? prev.lastTransitionTime : this.m.world.clock.isoNow(),
      reason,
      message: "",
    };
    const status: Record<string, unknown> = {
      observedGeneration: pdb.metadata.generation ?? 1,
      ...(Object.keys(disrupted).length ? { disruptedPods: disrupted } : {}),
      disruptionsAllowed: b.disruptionsAllowed,
      currentHealthy: b.currentHealthy,
      desiredHealthy: b.desiredHealthy,
      expectedPods: b.expectedPods,
      conditions: [condition],
    };
    if (deepEqual(status, pdb.status)) return;
    const next = structuredClone(pdb);
    next.status = status;
    delete next.metadata.resourceVersion;
    this.m.store.update("policy/poddisruptionbudgets", next);
  }
}

function key(o: KObject): string {
  return `${o.metadata.namespace}/${o.metadata.name}`;
}
