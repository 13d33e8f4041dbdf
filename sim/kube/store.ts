import { alreadyExists, conflict, gone, notFound, ApiError } from "./errors";
import { resourceType, type ResourceType } from "./resources";
import type { KObject, StoreEvent, WatchEventType } from "./types";
import type { SimClock } from "../core/clock";
import type { SeededRandom } from "../core/random";

// One cluster's objects, in the role etcd plays: a single resourceVersion counter, objects
// served in key order, a bounded history of changes for watch resume, and change listeners
// through which the controllers learn what the API changed.
//
// Stored objects are deep-frozen: callers read them freely and change them only by passing a
// modified copy (structuredClone) to update(), so nothing bypasses resourceVersion.

export interface MutationOptions {
  dryRun?: boolean;
}

export interface ScanOptions {
  namespace?: string;
  /** Pods only: served from the node index instead of a scan. */
  nodeName?: string;
  /** Key ("namespace/name" or "name") to start after, for continue tokens. */
  startAfter?: string;
}

const HISTORY_LIMIT = 20_000;

function deepFreeze<T>(value: T): T {
  if (value && typeof value === "object" && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value as Record<string, unknown>)) deepFreeze(v);
  }
  return value;
}

export function objectKey(namespace: string | undefined, name: string): string {
  return namespace ? `${namespace}/${name}` : name;
}

export class ClusterStore {
  private rv = 1000;
  private readonly objects = new Map<string, Map<string, KObject>>();
  private readonly sortedKeys = new Map<string, string[]>();
  private readonly podsByNode = new Map<string, Set<string>>();
  private history: StoreEvent[] = [];
  private readonly listeners = new Set<(e: StoreEvent) => void>();

  constructor(
    private readonly clock: SimClock,
    private readonly random: SeededRandom,
  ) {}

  currentResourceVersion(): number {
    return this.rv;
  }

  /** The oldest resourceVersion a watch may resume from; older ones get 410 Gone. */
  oldestResumableVersion(): number {
    return this.history.length ? this.history[0].resourceVersion - 1 : this.rv;
  }

  get(key: string, namespace: string | undefined, name: string): KObject | undefined {
    return this.bucket(key).get(objectKey(namespace, name));
  }

  mustGet(key: string, namespace: string | undefined, name: string): KObject {
    const obj = this.get(key, namespace, name);
    if (!obj) {
      const t = resourceType(key);
      throw notFound({ kind: t.kind, group: t.group, name }, t.resource);
    }
    return obj;
  }

  /** Objects in key order, optionally within a namespace, on a node, or after a key. */
  *scan(key: string, options: ScanOptions = {}): Generator<KObject> {
    const bucket = this.bucket(key);
    let keys: string[];
    if (options.nodeName !== undefined && key === "pods") {
      keys = [...(this.podsByNode.get(options.nodeName) ?? [])].sort();
    } else {
      keys = this.keysInOrder(key);
    }
    let start = 0;
    if (options.namespace) start = lowerBound(keys, `${options.namespace}/`);
    if (options.startAfter !== undefined) start = Math.max(start, upperBound(keys, options.startAfter));
    for (let i = start; i < keys.length; i++) {
      const k = keys[i];
      if (options.namespace && !k.startsWith(`${options.namespace}/`)) break;
      const obj = bucket.get(k);
      if (obj) yield obj;
    }
  }

  list(key: string, options: ScanOptions = {}): KObject[] {
    return [...this.scan(key, options)];
  }

  count(key: string): number {
    return this.bucket(key).size;
  }

  create(key: string, input: KObject, options: MutationOptions = {}): KObject {
    const t = resourceType(key);
    const obj = structuredClone(input) as KObject;
    const meta = obj.metadata ?? (obj.metadata = { name: "" });
    if (!meta.name && meta.generateName) meta.name = meta.generateName + this.random.suffix(5);
    if (t.namespaced && !meta.namespace) meta.namespace = "default";
    if (!t.namespaced) delete meta.namespace;
    if (t.namespaced && key !== "namespaces" && !this.get("namespaces", undefined, meta.namespace!)) {
      throw new ApiError(404, "NotFound", `namespaces "${meta.namespace}" not found`, { name: meta.namespace, kind: "namespaces" });
    }
    const k = objectKey(meta.namespace, meta.name);
    if (this.bucket(key).has(k)) throw alreadyExists({ kind: t.kind, group: t.group, name: meta.name }, t.resource);
    obj.apiVersion = t.group ? `${t.group}/${t.version}` : t.version;
    obj.kind = t.kind;
    meta.uid = this.random.uuid();
    meta.creationTimestamp = this.clock.isoNow();
    if (obj.spec !== undefined && key !== "pods") meta.generation = 1;
    if (options.dryRun) return obj;
    return this.commit("ADDED", t, k, obj);
  }

  /** Replaces an object; a stale metadata.resourceVersion gets 409 Conflict. */
  update(key: string, input: KObject, options: MutationOptions = {}): KObject {
    const t = resourceType(key);
    const meta = input.metadata;
    const k = objectKey(t.namespaced ? meta.namespace : undefined, meta.name);
    const current = this.bucket(key).get(k);
    if (!current) throw notFound({ kind: t.kind, group: t.group, name: meta.name }, t.resource);
    if (meta.resourceVersion && meta.resourceVersion !== current.metadata.resourceVersion) {
      throw conflict({ kind: t.kind, group: t.group, name: meta.name }, t.resource);
    }
    const obj = structuredClone(input) as KObject;
    obj.apiVersion = current.apiVersion;
    obj.kind = current.kind;
    obj.metadata.uid = current.metadata.uid;
    obj.metadata.creationTimestamp = current.metadata.creationTimestamp;
    if (t.namespaced) obj.metadata.namespace = current.metadata.namespace;
    if (current.metadata.generation !== undefined) {
      const specChanged = JSON.stringify(current.spec) !== JSON.stringify(obj.spec);
      obj.metadata.generation = current.metadata.generation + (specChanged ? 1 : 0);
    }
    if (options.dryRun) return { ...obj, metadata: { ...obj.metadata, resourceVersion: current.metadata.resourceVersion } };
    return this.commit("MODIFIED", t, k, obj, current);
  }

  /** Removes an object now. Graceful deletion (deletionTimestamp first) is the caller's choice. */
  remove(key: string, namespace: string | undefined, name: string, options: MutationOptions = {}): KObject {
    const t = resourceType(key);
    const k = objectKey(t.namespaced ? namespace : undefined, name);
    const current = this.bucket(key).get(k);
    if (!current) throw notFound({ kind: t.kind, group: t.group, name }, t.resource);
    if (options.dryRun) return current;
    this.bucket(key).delete(k);
    this.sortedKeys.delete(key);
    if (key === "pods") this.unindexPod(k, current);
    this.rv += 1;
    const obj = deepFreeze({ ...structuredClone(current), metadata: { ...structuredClone(current.metadata), resourceVersion: String(this.rv) } });
    this.emit({ type: "DELETED", resource: key, object: obj, resourceVersion: this.rv });
    return obj;
  }

  /** Changes since a resourceVersion, for watch resume; throws 410 Gone when too old. */
  changesSince(resourceVersion: number): StoreEvent[] {
    if (resourceVersion < this.oldestResumableVersion()) {
      throw gone(`too old resource version: ${resourceVersion} (${this.oldestResumableVersion()})`);
    }
    return this.history.filter((e) => e.resourceVersion > resourceVersion);
  }

  onChange(listener: (e: StoreEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Forgets history older than `keep` events, so tests can provoke 410 Gone. */
  compact(keep = 0): void {
    this.history = keep > 0 ? this.history.slice(-keep) : [];
  }

  private commit(type: WatchEventType, t: ResourceType, k: string, obj: KObject, previous?: KObject): KObject {
    this.rv += 1;
    obj.metadata.resourceVersion = String(this.rv);
    deepFreeze(obj);
    const bucket = this.bucket(t.key);
    if (!bucket.has(k)) this.sortedKeys.delete(t.key);
    bucket.set(k, obj);
    if (t.key === "pods") {
      if (previous) this.unindexPod(k, previous);
      const node = obj.spec?.nodeName as string | undefined;
      if (node) {
        let set = this.podsByNode.get(node);
        if (!set) this.podsByNode.set(node, (set = new Set()));
        set.add(k);
      }
    }
    this.emit({ type, resource: t.key, object: obj, resourceVersion: this.rv });
    return obj;
  }

  private emit(event: StoreEvent): void {
    this.history.push(event);
    // Trimmed in batches: splicing one event off the front per write made bulk builds
    // (the scale scenario's 150,000 pods) quadratic.
    if (this.history.length > HISTORY_LIMIT * 1.25) this.history.splice(0, this.history.length - HISTORY_LIMIT);
    for (const l of this.listeners) l(event);
  }

  private unindexPod(k: string, pod: KObject): void {
    const node = pod.spec?.nodeName as string | undefined;
    if (node) this.podsByNode.get(node)?.delete(k);
  }

  private bucket(key: string): Map<string, KObject> {
    let b = this.objects.get(key);
    if (!b) {
      resourceType(key); // unknown kinds are a programming error
      this.objects.set(key, (b = new Map()));
    }
    return b;
  }

  private keysInOrder(key: string): string[] {
    let keys = this.sortedKeys.get(key);
    if (!keys) {
      keys = [...this.bucket(key).keys()].sort();
      this.sortedKeys.set(key, keys);
    }
    return keys;
  }
}

function lowerBound(keys: string[], value: string): number {
  let lo = 0;
  let hi = keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (keys[mid] < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function upperBound(keys: string[], value: string): number {
  let lo = 0;
  let hi = keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (keys[mid] <= value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
