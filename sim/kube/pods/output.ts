import type { SimCluster } from "../cluster";

// What simulated processes printed (nc probes today), per container and per run, so
// `kubectl logs` and `--previous` can serve it. Scenario logs come from the scenario instead.

export interface LogLine {
  /** epoch milliseconds, simulated clock */
  time: number;
  text: string;
  /** The exact RFC 3339 stamp when the source had nanoseconds to keep. */
  stamp?: string;
}

interface Runs {
  current: LogLine[];
  previous?: LogLine[];
}

const byCluster = new WeakMap<SimCluster, Map<string, Runs>>();
// `kubectl logs -f` streams: who is following which container's current run.
const followers = new WeakMap<SimCluster, Map<string, Set<(line: LogLine) => void>>>();

function runs(cluster: SimCluster, namespace: string, pod: string, container: string, create: boolean): Runs | undefined {
  let m = byCluster.get(cluster);
  if (!m) {
    if (!create) return undefined;
    byCluster.set(cluster, (m = new Map()));
  }
  const key = `${namespace}/${pod}/${container}`;
  let r = m.get(key);
  if (!r && create) m.set(key, (r = { current: [] }));
  return r;
}

export function appendOutput(cluster: SimCluster, namespace: string, pod: string, container: string, time: number, text: string): void {
  const r = runs(cluster, namespace, pod, container, true)!;
  const listeners = followers.get(cluster)?.get(`${namespace}/${pod}/${container}`);
  for (const line of text.split("\n")) {
    const entry = { time, text: line };
    r.current.push(entry);
    for (const l of listeners ?? []) l(entry);
  }
}

/** Calls `listener` with every line the container prints from now on; returns the unsubscribe. */
export function followOutput(cluster: SimCluster, namespace: string, pod: string, container: string, listener: (line: LogLine) => void): () => void {
  let m = followers.get(cluster);
  if (!m) followers.set(cluster, (m = new Map()));
  const key = `${namespace}/${pod}/${container}`;
  let set = m.get(key);
  if (!set) m.set(key, (set = new Set()));
  set.add(listener);
  return () => {
    set.delete(listener);
    if (!set.size) m.delete(key);
  };
}

/** Undefined when nothing was ever recorded for the container: the caller asks the scenario. */
export function recordedOutput(cluster: SimCluster, namespace: string, pod: string, container: string, previous: boolean): LogLine[] | undefined {
  const r = runs(cluster, namespace, pod, container, false);
  if (!r) return undefined;
  return previous ? (r.previous ?? []) : r.current;
}

/** A container restart: this run's output becomes what --previous shows. */
export function rotateOutput(cluster: SimCluster, namespace: string, pod: string, container: string): void {
  const r = runs(cluster, namespace, pod, container, false);
  if (!r) return;
  r.previous = r.current;
  r.current = [];
}
