/* eslint-disable @typescript-eslint/no-explicit-any */
import type { World } from "../../world";
import type { SimCluster } from "../cluster";
import type { KObject } from "../types";
import type { LogLine } from "./output";

// Functions other parts of the simulator own (scenario logs, event recording), loaded lazily:
// those modules are built alongside this one, and the simulator must still start and serve
// logs and exec when one of them is absent or has not landed yet.

const LOGS_MODULE = "../../scenarios/logs";
const EVENTS_MODULE = "../events";

const cache = new Map<string, Promise<any>>();

// A computed specifier keeps the type checker from failing on a module that has not landed.
function optional(specifier: string): Promise<any> {
  const key = specifier;
  let p = cache.get(key);
  if (!p) {
    p = import(/* @vite-ignore */ specifier).catch(() => undefined);
    cache.set(key, p);
    // A module that is missing now may appear later (in a dev tree); retry next time.
    p.then((m) => m === undefined && cache.delete(key));
  }
  return p;
}

/** The scenario's log for a container, normalised to lines with times; undefined when none. */
export async function scenarioLog(cluster: SimCluster, namespace: string, pod: string, container: string, previous: boolean, fallbackTime: number): Promise<LogLine[] | undefined> {
  const mod = await optional(LOGS_MODULE);
  const fn = mod?.getContainerLog;
  if (typeof fn !== "function") return undefined;
  const raw = await fn(cluster, namespace, pod, container, { previous });
  return normaliseLog(raw, fallbackTime);
}

export function normaliseLog(raw: unknown, fallbackTime: number): LogLine[] | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (typeof raw === "string") {
    const text = raw.endsWith("\n") ? raw.slice(0, -1) : raw;
    return text === "" ? [] : text.split("\n").map((t) => ({ time: fallbackTime, text: t }));
  }
  if (!Array.isArray(raw)) return undefined;
  return raw.map((entry: any) => {
    if (typeof entry === "string") return { time: fallbackTime, text: entry };
    const t = entry?.time ?? entry?.timestamp ?? entry?.ts ?? entry?.at;
    const time = typeof t === "number" ? t : typeof t === "string" ? Date.parse(t) : t instanceof Date ? t.getTime() : fallbackTime;
    return { time: Number.isFinite(time) ? time : fallbackTime, text: String(entry?.text ?? entry?.line ?? entry?.message ?? entry?.log ?? "") };
  });
}

/** Records an Event the way the kubelet does, through the events module when it is present. */
export async function podEvent(world: World, cluster: SimCluster, pod: KObject, container: string | undefined, type: "Normal" | "Warning", reason: string, message: string): Promise<void> {
  const involved = {
    apiVersion: "v1",
    kind: "Pod",
    namespace: pod.metadata.namespace,
    name: pod.metadata.name,
    uid: pod.metadata.uid,
    resourceVersion: pod.metadata.resourceVersion,
    ...(container ? { fieldPath: `spec.containers{${container}}` } : {}),
  };
  const source = { component: "kubelet", host: pod.spec?.nodeName };
  const mod = await optional(EVENTS_MODULE);
  if (typeof mod?.recordEvent === "function") {
    await mod.recordEvent(world, cluster, involved, type, reason, message, source);
    return;
  }
  const now = world.clock.isoNow();
  cluster.store.create("events", {
    apiVersion: "v1",
    kind: "Event",
    metadata: { name: `${pod.metadata.name}.${world.random.hex(16)}`, namespace: pod.metadata.namespace },
    involvedObject: involved,
    reason,
    message,
    source,
    firstTimestamp: now,
    lastTimestamp: now,
    count: 1,
    type,
    eventTime: null,
    reportingComponent: "kubelet",
    reportingInstance: pod.spec?.nodeName ?? "",
  });
}
