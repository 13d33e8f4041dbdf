import type { KObject, StoreEvent } from "../types";
import type { Controller, ControllerManager } from "./manager";
import { recordEvent } from "../events";

// The kubelet reports a node's schedulability as an event when spec.unschedulable flips
// (kubectl cordon / uncordon): NodeNotSchedulable / NodeSchedulable.

export class NodeEvents implements Controller {
  readonly name = "node-events";
  private readonly unschedulable = new Map<string, boolean>();

  constructor(private readonly m: ControllerManager) {
    for (const n of m.store.scan("nodes")) this.unschedulable.set(n.metadata.name, !!n.spec?.unschedulable);
  }

  observe(e: StoreEvent): void {
    if (e.resource !== "nodes") return;
    const name = e.object.metadata.name;
    if (e.type === "DELETED") {
      this.unschedulable.delete(name);
      return;
    }
    const now = !!e.object.spec?.unschedulable;
    const before = this.unschedulable.get(name);
    this.unschedulable.set(name, now);
    if (before !== undefined && before !== now) this.m.enqueue(this, `${name}|${now}`);
  }

  sync(k: string): void {
    const [name, flag] = k.split("|");
    const node = this.m.store.get("nodes", undefined, name);
    if (!node) return;
    const reason = flag === "true" ? "NodeNotSchedulable" : "NodeSchedulable";
    recordEvent(this.m.world, this.m.cluster, node as KObject, "Normal", reason, `Node ${name} status is now: ${reason}`, { component: "kubelet", host: name });
  }
}
