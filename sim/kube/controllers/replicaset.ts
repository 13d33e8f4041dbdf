import type { KObject, StoreEvent } from "../types";
import type { Controller, ControllerManager } from "./manager";
import { recordEvent } from "../events";
import { controllerOf, deepEqual, isPodActive, isPodReady, isTerminating, ownerRefTo, selectorMatches } from "./labels";
import { podFromTemplate } from "./podtemplate";
import { deletePodGracefully } from "./termination";

// The ReplicaSet controller, including the rule incident responders trip over (ERRATA 5):
// a pod whose labels stop matching the selector is released (its controller reference
// removed) and a replacement is started; an orphan that matches again is adopted back, and
// the surplus pod is then scaled down by the controller's usual ranking.

const SOURCE = { component: "replicaset-controller" };

export class ReplicaSetController implements Controller {
  readonly name = "replicaset";

  constructor(private readonly m: ControllerManager) {}

  resyncAll(): void {
    for (const rs of this.m.store.scan("apps/replicasets")) this.m.enqueue(this, key(rs));
  }

  observe(e: StoreEvent, previous?: KObject): void {
    if (e.resource === "apps/replicasets") {
      if (e.type !== "DELETED") this.m.enqueue(this, key(e.object));
      return;
    }
    if (e.resource !== "pods") return;
    const ns = e.object.metadata.namespace!;
    for (const pod of [previous, e.object]) {
      if (!pod) continue;
      const ref = controllerOf(pod);
      if (ref?.kind === "ReplicaSet") this.m.enqueue(this, `${ns}/${ref.name}`);
    }
    if (e.type !== "DELETED" && !controllerOf(e.object) && isPodActive(e.object)) {
      // An orphan: any ReplicaSet whose selector matches may adopt it.
      for (const rs of this.m.store.scan("apps/replicasets", { namespace: ns })) {
        if (selectorMatches(rs.spec?.selector, e.object.metadata.labels)) this.m.enqueue(this, key(rs));
      }
    }
  }

  sync(k: string): void {
    const [ns, name] = k.split("/");
    const rs = this.m.store.get("apps/replicasets", ns, name);
    if (!rs) return;
    const { world, cluster, store } = this.m;
    const uid = rs.metadata.uid!;
    const selector = rs.spec?.selector;
    const deleting = isTerminating(rs);
    const owned: KObject[] = [];
    for (const pod of [...this.m.podsIn(ns)]) {
      if (!isPodActive(pod)) continue;
      const ref = controllerOf(pod);
      const matches = selectorMatches(selector, pod.metadata.labels);
      if (ref) {
        if (ref.uid !== uid) continue;
        if (matches) owned.push(pod);
        else if (!deleting) this.release(pod, uid);
      } else if (matches && !deleting) {
        owned.push(this.adopt(pod, rs));
      }
    }

    const want = deleting ? owned.length : (rs.spec?.replicas ?? 1);
    if (owned.length < want) {
      for (let i = owned.length; i < want; i++) {
        const pod = this.createPod(rs);
        owned.push(pod);
        recordEvent(world, cluster, rs, "Normal", "SuccessfulCreate", `Created pod: ${pod.metadata.name}`, SOURCE);
      }
    } else if (owned.length > want) {
      const victims = rankForDeletion(owned).slice(0, owned.length - want);
      for (const pod of victims) {
        deletePodGracefully(world, cluster, pod);
        owned.splice(owned.indexOf(pod), 1);
        recordEvent(world, cluster, rs, "Normal", "SuccessfulDelete", `Deleted pod: ${pod.metadata.name}`, SOURCE);
      }
    }

    const current = owned.map((p) => store.get("pods", ns, p.metadata.name) ?? p);
    const templateLabels = rs.spec?.template?.metadata?.labels ?? {};
    const ready = current.filter(isPodReady).length;
    const status: Record<string, unknown> = {
      replicas: current.length,
      fullyLabeledReplicas: current.filter((p) => Object.entries(templateLabels).every(([lk, lv]) => p.metadata.labels?.[lk] === lv)).length,
      readyReplicas: ready,
      availableReplicas: ready,
      observedGeneration: rs.metadata.generation ?? 1,
    };
    if (!ready) delete status.readyReplicas;
    if (!ready) delete status.availableReplicas;
    if (!status.fullyLabeledReplicas) delete status.fullyLabeledReplicas;
    if (!deepEqual(status, stripConditions(rs.status))) {
      const fresh = store.get("apps/replicasets", ns, name);
      if (!fresh) return;
      const next = structuredClone(fresh);
      next.status = { ...status, ...(fresh.status?.conditions ? { conditions: fresh.status.conditions } : {}) };
      delete next.metadata.resourceVersion;
      store.update("apps/replicasets", next);
    }
  }

  private release(pod: KObject, uid: string): void {
    const next = structuredClone(pod);
    next.metadata.ownerReferences = (next.metadata.ownerReferences ?? []).filter((r) => r.uid !== uid);
    if (!next.metadata.ownerReferences.length) delete next.metadata.ownerReferences;
    delete next.metadata.resourceVersion;
    this.m.store.update("pods", next);
  }

  private adopt(pod: KObject, rs: KObject): KObject {
    const next = structuredClone(pod);
    next.metadata.ownerReferences = [...(next.metadata.ownerReferences ?? []), ownerRefTo(rs)];
    delete next.metadata.resourceVersion;
    return this.m.store.update("pods", next);
  }

  private createPod(rs: KObject): KObject {
    const ns = rs.metadata.namespace!;
    let name: string;
    do name = `${rs.metadata.name}-${this.m.world.random.suffix(5)}`;
    while (this.m.store.get("pods", ns, name));
    return this.m.store.create("pods", podFromTemplate(rs.spec.template, name, ns, ownerRefTo(rs)));
  }
}

function stripConditions(status: Record<string, unknown> | undefined): Record<string, unknown> {
  const { conditions: _c, ...rest } = status ?? {};
  return rest;
}

const PHASE_RANK: Record<string, number> = { Pending: 0, Unknown: 1, Running: 2 };

/** controller.ActivePodsWithRanks, reduced: the pods a controller deletes first come first. */
function rankForDeletion(pods: KObject[]): KObject[] {
  const perNode = new Map<string, number>();
  for (const p of pods) if (p.spec?.nodeName) perNode.set(p.spec.nodeName, (perNode.get(p.spec.nodeName) ?? 0) + 1);
  const readySince = (p: KObject) => (p.status?.conditions ?? []).find((c: { type: string }) => c.type === "Ready")?.lastTransitionTime ?? "";
  return [...pods].sort((a, b) => {
    const assigned = Number(!!a.spec?.nodeName) - Number(!!b.spec?.nodeName);
    if (assigned) return assigned;
    const phase = (PHASE_RANK[a.status?.phase] ?? 1) - (PHASE_RANK[b.status?.phase] ?? 1);
    if (phase) return phase;
    const ready = Number(isPodReady(a)) - Number(isPodReady(b));
    if (ready) return ready;
    const doubled = (perNode.get(b.spec?.nodeName) ?? 0) - (perNode.get(a.spec?.nodeName) ?? 0);
    if (doubled) return doubled;
    const since = readySince(b).localeCompare(readySince(a));
    if (since) return since;
    const created = (b.metadata.creationTimestamp ?? "").localeCompare(a.metadata.creationTimestamp ?? "");
    if (created) return created;
    return b.metadata.name.localeCompare(a.metadata.name);
  });
}

function key(o: KObject): string {
  return `${o.metadata.namespace}/${o.metadata.name}`;
}
