import type { World } from "../../world";
import type { SimCluster } from "../cluster";
import type { KObject, StoreEvent } from "../types";
import type { Controller, ControllerManager } from "./manager";
import { recordEvent } from "../events";

// Graceful termination. The API server sets deletionTimestamp to "now + grace period"; the
// kubelet stops the containers (event Killing) and the pod object goes away when that time
// comes, unless finalizers hold it. Pods never bound to a node have nothing to stop and go
// at once, as the API server deletes them directly.

/**
 * Marks a pod for graceful deletion the way a DELETE does (used by controllers and eviction
 * when the API layer's deleteObject is not the caller). Shortens, never extends, an earlier
 * deletion. Returns the updated pod, or undefined if it was removed outright.
 */
export function deletePodGracefully(world: World, cluster: SimCluster, pod: KObject, gracePeriodSeconds?: number, dryRun = false): KObject | undefined {
  const grace = Math.max(0, gracePeriodSeconds ?? (pod.spec?.terminationGracePeriodSeconds as number | undefined) ?? 30);
  const store = cluster.store;
  if (!pod.spec?.nodeName || (grace === 0 && !pod.metadata.finalizers?.length)) {
    if (dryRun) return pod;
    store.remove("pods", pod.metadata.namespace, pod.metadata.name);
    return undefined;
  }
  const at = new Date(world.clock.now() + grace * 1000).toISOString().replace(/\.\d{3}Z$/, "Z");
  const current = pod.metadata.deletionTimestamp;
  if (current && Date.parse(current) <= Date.parse(at)) return pod;
  const next = structuredClone(pod);
  next.metadata.deletionTimestamp = at;
  next.metadata.deletionGracePeriodSeconds = grace;
  delete next.metadata.resourceVersion;
  return store.update("pods", next, { dryRun });
}

export class Termination implements Controller {
  readonly name = "termination";
  /** uid → deletionTimestamp a timer is set for */
  private readonly timers = new Map<string, string>();

  constructor(private readonly m: ControllerManager) {}

  resyncAll(): void {
    for (const pods of this.m.podsByNs.values()) for (const pod of pods.values()) if (pod.metadata.deletionTimestamp) this.consider(pod);
  }

  observe(e: StoreEvent): void {
    if (e.resource !== "pods") return;
    if (e.type === "DELETED") {
      this.timers.delete(e.object.metadata.uid!);
      return;
    }
    if (e.object.metadata.deletionTimestamp) this.consider(e.object);
  }

  private consider(pod: KObject): void {
    const uid = pod.metadata.uid!;
    const at = pod.metadata.deletionTimestamp!;
    const known = this.timers.get(uid);
    const k = `${pod.metadata.namespace}/${pod.metadata.name}|${uid}`;
    if (known === at) {
      // Finalizers removed after the deadline: check again.
      if (!pod.metadata.finalizers?.length && Date.parse(at) <= this.m.world.clock.now()) this.m.enqueue(this, k);
      return;
    }
    if (known === undefined && pod.spec?.nodeName && pod.status?.phase === "Running") {
      const { world, cluster } = this.m;
      for (const c of (pod.spec.containers ?? []) as { name: string }[]) {
        const ref = { kind: "Pod", namespace: pod.metadata.namespace, name: pod.metadata.name, uid, apiVersion: "v1", fieldPath: `spec.containers{${c.name}}` };
        recordEvent(world, cluster, ref, "Normal", "Killing", `Stopping container ${c.name}`, { component: "kubelet", host: pod.spec.nodeName });
      }
    }
    this.timers.set(uid, at);
    this.m.after(Math.max(0, Date.parse(at) - this.m.world.clock.now()), () => this.m.enqueue(this, k));
  }

  sync(k: string): void {
    const [nsName, uid] = k.split("|");
    const [ns, name] = nsName.split("/");
    const pod = this.m.store.get("pods", ns, name);
    if (!pod || pod.metadata.uid !== uid || !pod.metadata.deletionTimestamp) return;
    if (pod.metadata.finalizers?.length) return;
    // Simulated time can only be read at second precision from the timestamp; allow for it.
    if (this.m.live && Date.parse(pod.metadata.deletionTimestamp) > this.m.world.clock.now() + 999) {
      this.m.after(Date.parse(pod.metadata.deletionTimestamp) - this.m.world.clock.now(), () => this.m.enqueue(this, k));
      return;
    }
    this.m.store.remove("pods", ns, name);
  }
}
