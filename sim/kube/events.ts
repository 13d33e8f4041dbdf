import type { World } from "../world";
import type { SimCluster } from "./cluster";
import type { KObject } from "./types";

// core/v1 Events as the recorders in the kubelet, scheduler and controllers write them: one
// object per (object, reason, message, source), repeated occurrences bump count and
// lastTimestamp instead of creating new objects (client-go's EventCorrelator does the same).

export interface EventSource {
  component: string;
  host?: string;
}

export interface InvolvedObject {
  kind: string;
  name: string;
  namespace?: string;
  uid?: string;
  apiVersion?: string;
  resourceVersion?: string;
  fieldPath?: string;
}

const seen = new WeakMap<SimCluster, Map<string, { namespace: string; name: string }>>();
let counter = 0;

/** The reference an event points at, from a stored object. */
function refTo(obj: KObject, fieldPath?: string): InvolvedObject {
  return {
    kind: obj.kind,
    namespace: obj.metadata.namespace,
    name: obj.metadata.name,
    // The kubelet uses the node name as the node's UID in its events; others use the real one.
    uid: obj.kind === "Node" ? obj.metadata.name : obj.metadata.uid,
    apiVersion: obj.apiVersion,
    resourceVersion: obj.metadata.resourceVersion,
    ...(fieldPath ? { fieldPath } : {}),
  };
}

export function recordEvent(
  world: World,
  cluster: SimCluster,
  involvedObject: InvolvedObject | KObject,
  type: "Normal" | "Warning",
  reason: string,
  message: string,
  source: EventSource,
): KObject {
  const ref: InvolvedObject = "metadata" in involvedObject ? refTo(involvedObject as KObject) : (involvedObject as InvolvedObject);
  const namespace = ref.namespace || "default";
  const now = world.clock.isoNow();
  let byKey = seen.get(cluster);
  if (!byKey) seen.set(cluster, (byKey = new Map()));
  const dedupKey = [ref.kind, namespace, ref.name, ref.uid ?? "", ref.fieldPath ?? "", type, reason, message, source.component, source.host ?? ""].join(
    "\u0000",
  );
  const previous = byKey.get(dedupKey);
  if (previous) {
    const existing = cluster.store.get("events", previous.namespace, previous.name);
    if (existing) {
      const next = structuredClone(existing);
      next.count = ((existing.count as number) ?? 1) + 1;
      next.lastTimestamp = now;
      delete next.metadata.resourceVersion;
      return cluster.store.update("events", next);
    }
  }
  // Real names are "<object>.<unix nanoseconds in hex>"; the counter keeps them unique.
  const nanos = BigInt(world.clock.now()) * 1_000_000n + BigInt(++counter % 1_000_000);
  const name = `${ref.name}.${nanos.toString(16)}`;
  const involved: InvolvedObject = { ...ref };
  if (!involved.namespace) delete involved.namespace;
  const event = cluster.store.create("events", {
    apiVersion: "v1",
    kind: "Event",
    metadata: { name, namespace },
    involvedObject: involved,
    reason,
    message,
    source: source.host ? { component: source.component, host: source.host } : { component: source.component },
    firstTimestamp: now,
    lastTimestamp: now,
    count: 1,
    type,
    eventTime: null,
    reportingComponent: source.component,
    reportingInstance: source.host ?? "",
  });
  byKey.set(dedupKey, { namespace, name });
  return event;
}
