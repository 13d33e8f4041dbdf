import type { World } from "../../world";
import type { SimCluster } from "../cluster";
import type { KObject, StoreEvent } from "../types";
import { logJson } from "../../core/log";
import { ApiError } from "../errors";

// Work queues in the style of client-go: store changes only enqueue keys; the manager drains
// the queues on the next tick (or when a scenario or test asks), so no controller ever runs
// inside another's write. Before the simulator serves ("build" mode) delays collapse, so a
// scenario can reconcile synchronously and be complete before the ready line.

export interface Controller {
  readonly name: string;
  /** Sees every change (with the pod as it was before, for pods); must only enqueue, never write. */
  observe?(e: StoreEvent, previous?: KObject): void;
  /** Enqueues everything it is responsible for. */
  resyncAll?(): void;
  sync(key: string): void;
}

/** Kinds that own other objects through ownerReferences, tracked for garbage collection. */
const OWNER_KINDS = ["apps/deployments", "apps/replicasets", "apps/daemonsets", "apps/statefulsets", "batch/jobs", "services"];
/** Kinds whose dependents are indexed by owner uid. */
export const DEPENDENT_KINDS = ["pods", "apps/replicasets", "discovery.k8s.io/endpointslices"];

const registry = new WeakMap<SimCluster, ControllerManager>();

/** The cluster's manager, if its controllers have been created. */
export function controllerManager(cluster: SimCluster): ControllerManager | undefined {
  return registry.get(cluster);
}

export function setControllerManager(cluster: SimCluster, m: ControllerManager | undefined): void {
  if (m) registry.set(cluster, m);
  else registry.delete(cluster);
}

const nsName = (o: KObject) => `${o.metadata.namespace ?? ""}/${o.metadata.name}`;

export class ControllerManager {
  /** Pods by namespace, so per-namespace work never scans every pod in the cluster. */
  readonly podsByNs = new Map<string, Map<string, KObject>>();
  /** owner uid → "resource|ns/name" of dependents */
  readonly dependents = new Map<string, Set<string>>();
  /** uids of live owner objects */
  readonly ownerUids = new Map<string, string>();
  live = false;
  private readonly controllers: Controller[] = [];
  private readonly queues = new Map<Controller, Set<string>>();
  private readonly soon: (() => void)[] = [];
  private readonly cancels = new Set<() => void>();
  private draining = false;
  private scheduled: NodeJS.Immediate | undefined;
  private stopped = false;
  private unsubscribe: () => void;

  constructor(
    readonly world: World,
    readonly cluster: SimCluster,
  ) {
    const store = cluster.store;
    for (const pod of store.scan("pods")) this.indexPod(pod, undefined);
    for (const key of DEPENDENT_KINDS) if (key !== "pods") for (const o of store.scan(key)) this.indexOwners(key, o, undefined);
    for (const key of OWNER_KINDS) for (const o of store.scan(key)) this.ownerUids.set(o.metadata.uid!, `${key}|${nsName(o)}`);
    this.unsubscribe = store.onChange((e) => this.onChange(e));
  }

  get store() {
    return this.cluster.store;
  }

  register(c: Controller): void {
    this.controllers.push(c);
    this.queues.set(c, new Set());
  }

  enqueue(c: Controller, key: string): void {
    if (this.stopped) return;
    this.queues.get(c)!.add(key);
    this.schedule();
  }

  resyncAll(): void {
    for (const c of this.controllers) c.resyncAll?.();
  }

  /** Runs fn after simulated time; before serving it runs on the next drain instead. */
  after(ms: number, fn: () => void): void {
    if (this.stopped) return;
    if (!this.live) {
      this.soon.push(fn);
      return;
    }
    const cancel = this.world.clock.after(ms, () => {
      this.cancels.delete(cancel);
      if (this.stopped) return;
      this.soon.push(fn);
      this.drain();
    });
    this.cancels.add(cancel);
  }

  goLive(): void {
    this.live = true;
    this.schedule();
  }

  /** Processes queued work until nothing is left (bounded, so a loop cannot hang the process). */
  drain(): void {
    if (this.draining || this.stopped) return;
    this.draining = true;
    try {
      for (let round = 0; round < 10_000; round++) {
        let did = false;
        while (this.soon.length) {
          did = true;
          this.guard("timer", () => this.soon.shift()!());
        }
        for (const c of this.controllers) {
          const q = this.queues.get(c)!;
          if (!q.size) continue;
          did = true;
          const keys = [...q];
          q.clear();
          for (const key of keys)
            this.guard(
              c.name,
              () => c.sync(key),
              () => this.retryLater(c, key),
            );
        }
        if (!did) return;
      }
      logJson({ event: "controllers-busy", cluster: this.cluster.name });
    } finally {
      this.draining = false;
      if (this.hasWork()) this.schedule();
    }
  }

  stop(): void {
    this.stopped = true;
    this.unsubscribe();
    for (const c of this.cancels) c();
    this.cancels.clear();
    if (this.scheduled) clearImmediate(this.scheduled);
  }

  podsIn(namespace: string): Iterable<KObject> {
    return this.podsByNs.get(namespace)?.values() ?? [];
  }

  /** Current objects of `resource` that name `ownerUid` in their ownerReferences. */
  dependentsOf(ownerUid: string, resource: string): KObject[] {
    const out: KObject[] = [];
    for (const ref of this.dependents.get(ownerUid) ?? []) {
      const [res, key] = ref.split("|");
      if (res !== resource) continue;
      const [ns, name] = key.split("/");
      const obj = this.store.get(res, ns || undefined, name);
      // The index may lag a removed ownerReference; the object itself is the truth.
      if (obj && obj.metadata.ownerReferences?.some((r) => r.uid === ownerUid)) out.push(obj);
    }
    return out;
  }

  private hasWork(): boolean {
    if (this.soon.length) return true;
    for (const q of this.queues.values()) if (q.size) return true;
    return false;
  }

  private schedule(): void {
    if (!this.live || this.stopped || this.draining || this.scheduled) return;
    this.scheduled = setImmediate(() => {
      this.scheduled = undefined;
      this.drain();
    });
  }

  private retryLater(c: Controller, key: string): void {
    this.after(500, () => this.enqueue(c, key));
  }

  private guard(name: string, fn: () => void, onConflict?: () => void): void {
    try {
      fn();
    } catch (err) {
      // Conflicts and vanished objects are the normal races of controllers: retry later.
      if (err instanceof ApiError && (err.code === 409 || err.code === 404)) {
        onConflict?.();
        return;
      }
      logJson({ event: "controller-error", controller: name, cluster: this.cluster.name, error: String((err as Error)?.stack ?? err) });
    }
  }

  private onChange(e: StoreEvent): void {
    const previous = e.type === "ADDED" ? undefined : this.lookupPrevious(e);
    if (e.resource === "pods") this.indexPod(e.type === "DELETED" ? undefined : e.object, previous ?? (e.type === "DELETED" ? e.object : undefined));
    else if (DEPENDENT_KINDS.includes(e.resource)) this.indexOwners(e.resource, e.type === "DELETED" ? undefined : e.object, e.object);
    if (OWNER_KINDS.includes(e.resource)) {
      if (e.type === "DELETED") this.ownerUids.delete(e.object.metadata.uid!);
      else this.ownerUids.set(e.object.metadata.uid!, `${e.resource}|${nsName(e.object)}`);
    }
    for (const c of this.controllers) c.observe?.(e, previous);
  }

  private lookupPrevious(e: StoreEvent): KObject | undefined {
    if (e.resource !== "pods") return undefined;
    return this.podsByNs.get(e.object.metadata.namespace!)?.get(e.object.metadata.name);
  }

  private indexPod(pod: KObject | undefined, previous: KObject | undefined): void {
    const target = pod ?? previous;
    if (!target) return;
    const ns = target.metadata.namespace!;
    if (previous) this.indexOwners("pods", undefined, previous);
    let m = this.podsByNs.get(ns);
    if (pod) {
      if (!m) this.podsByNs.set(ns, (m = new Map()));
      m.set(pod.metadata.name, pod);
      this.indexOwners("pods", pod, undefined);
    } else {
      m?.delete(target.metadata.name);
    }
  }

  private indexOwners(resource: string, obj: KObject | undefined, previous: KObject | undefined): void {
    if (previous) {
      const ref = `${resource}|${nsName(previous)}`;
      for (const o of previous.metadata.ownerReferences ?? []) this.dependents.get(o.uid)?.delete(ref);
    }
    if (obj) {
      const ref = `${resource}|${nsName(obj)}`;
      for (const o of obj.metadata.ownerReferences ?? []) {
        let s = this.dependents.get(o.uid);
        if (!s) this.dependents.set(o.uid, (s = new Set()));
        s.add(ref);
      }
    }
  }
}
