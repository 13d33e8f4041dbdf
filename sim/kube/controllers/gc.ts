import type { KObject, StoreEvent } from "../types";
import type { Controller, ControllerManager } from "./manager";
import { DEPENDENT_KINDS } from "./manager";
import { deletePodGracefully } from "./termination";

// Background garbage collection: the API layer's deleteObject takes dependents along when it
// deletes an owner, but an owner can also vanish another way (store.remove from a test, a
// reset). Dependents whose every owner is gone are deleted here, pods gracefully.

export class GarbageCollector implements Controller {
  readonly name = "garbage-collector";

  constructor(private readonly m: ControllerManager) {}

  resyncAll(): void {
    for (const uid of this.m.dependents.keys()) if (!this.m.ownerUids.has(uid)) this.m.enqueue(this, uid);
  }

  observe(e: StoreEvent): void {
    if (e.type === "DELETED" && e.object.metadata.uid && this.m.dependents.has(e.object.metadata.uid)) {
      // Let the API layer's propagation run first; whatever it left is collected after.
      this.m.after(0, () => this.m.enqueue(this, e.object.metadata.uid!));
    }
  }

  sync(uid: string): void {
    if (this.m.ownerUids.has(uid)) return;
    for (const resource of DEPENDENT_KINDS) {
      for (const dep of this.m.dependentsOf(uid, resource)) {
        const refs = dep.metadata.ownerReferences ?? [];
        // Only owner kinds we track can be judged gone; others are left alone.
        if (refs.some((r) => r.uid !== uid && this.m.ownerUids.has(r.uid))) continue;
        if (refs.some((r) => !this.isTrackedKind(r.kind))) continue;
        this.collect(resource, dep);
      }
    }
    if (!this.hasDependents(uid)) this.m.dependents.delete(uid);
  }

  private hasDependents(uid: string): boolean {
    return DEPENDENT_KINDS.some((r) => this.m.dependentsOf(uid, r).length > 0);
  }

  private isTrackedKind(kind: string): boolean {
    return ["Deployment", "ReplicaSet", "DaemonSet", "StatefulSet", "Job", "Service"].includes(kind);
  }

  private collect(resource: string, dep: KObject): void {
    if (resource === "pods") {
      if (!dep.metadata.deletionTimestamp) deletePodGracefully(this.m.world, this.m.cluster, dep);
    } else {
      this.m.store.remove(resource, dep.metadata.namespace, dep.metadata.name);
    }
  }
}
