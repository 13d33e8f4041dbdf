import type { SimCluster } from "../cluster";
import type { KObject } from "../types";

// A compromised workload can close the port it was serving: the pod still declares it, but a
// connection that reaches it is refused (RST) instead of accepted. Tests and the demo close a
// listener through the control surface (POST /_sim/pods/<c>/<ns>/<pod>/listeners) to show that
// a refused connection is reachability, not isolation. Keyed by pod uid: a recreated pod
// listens again; a reset rebuilds the clusters and forgets them.

const closed = new WeakMap<SimCluster, Map<string, Set<string>>>();

const key = (protocol: string, port: number) => `${protocol.toUpperCase()}/${port}`;

export function closeListener(cluster: SimCluster, pod: KObject, port: number, protocol = "TCP"): void {
  let byPod = closed.get(cluster);
  if (!byPod) closed.set(cluster, (byPod = new Map()));
  const uid = String(pod.metadata.uid);
  byPod.set(uid, (byPod.get(uid) ?? new Set()).add(key(protocol, port)));
}

export function reopenListeners(cluster: SimCluster, pod: KObject): void {
  closed.get(cluster)?.delete(String(pod.metadata.uid));
}

export function isListenerClosed(cluster: SimCluster, pod: KObject, port: number, protocol = "TCP"): boolean {
  return closed.get(cluster)?.get(String(pod.metadata.uid))?.has(key(protocol, port)) ?? false;
}

/** `["TCP/8080"]`: what the control surface answers. */
export function closedListeners(cluster: SimCluster, pod: KObject): string[] {
  return [...(closed.get(cluster)?.get(String(pod.metadata.uid)) ?? [])].sort();
}
