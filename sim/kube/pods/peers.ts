import type { World } from "../../world";
import type { SimCluster } from "../cluster";
import type { KObject } from "../types";
import { recordEvent } from "../events";
import { getContainerLog, moveLogToPrevious } from "../../scenarios/logs";
import type { LogLine } from "./output";

// The seams to what other parts of the simulator own: the scenario's container logs and the
// event recorder, so pods/log and exec go through the same story and dedup as the kubelet.

/** The scenario's log for a container, normalised to lines with times. */
export function scenarioLog(cluster: SimCluster, namespace: string, pod: string, container: string, previous: boolean, fallbackTime: number): LogLine[] {
  return normaliseLog(getContainerLog(cluster, namespace, pod, container, { previous }), fallbackTime) ?? [];
}

/** Tolerates strings, string arrays and entry objects, keeping nanosecond stamps as given. */
function normaliseLog(raw: unknown, fallbackTime: number): LogLine[] | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (typeof raw === "string") {
    const text = raw.endsWith("\n") ? raw.slice(0, -1) : raw;
    return text === "" ? [] : text.split("\n").map((t) => ({ time: fallbackTime, text: t }));
  }
  if (!Array.isArray(raw)) return undefined;
  return raw.map((entry: unknown) => {
    if (typeof entry === "string") return { time: fallbackTime, text: entry };
    const e = (entry ?? {}) as Record<string, unknown>;
    const t = e.time ?? e.timestamp;
    const time = typeof t === "number" ? t : typeof t === "string" ? Date.parse(t) : fallbackTime;
    const line: LogLine = { time: Number.isFinite(time) ? time : fallbackTime, text: String(e.line ?? e.text ?? e.message ?? "") };
    if (typeof t === "string" && /^\d{4}-\d\d-\d\dT[\d:.]+Z$/.test(t)) line.stamp = t;
    return line;
  });
}

/** The scenario's log splits at a restart the way the container runtime's does. */
export function scenarioLogRestarted(cluster: SimCluster, namespace: string, pod: string, container: string, restartedAtMs: number): void {
  moveLogToPrevious(cluster, namespace, pod, container, restartedAtMs);
}

export function podEvent(
  world: World,
  cluster: SimCluster,
  pod: KObject,
  container: string | undefined,
  type: "Normal" | "Warning",
  reason: string,
  message: string,
): void {
  const involved = {
    apiVersion: "v1",
    kind: "Pod",
    namespace: pod.metadata.namespace,
    name: pod.metadata.name,
    uid: pod.metadata.uid,
    ...(container ? { fieldPath: `spec.containers{${container}}` } : {}),
  };
  recordEvent(world, cluster, involved, type, reason, message, { component: "kubelet", host: pod.spec?.nodeName });
}
