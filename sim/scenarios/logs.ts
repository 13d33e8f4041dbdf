import type { SimCluster } from "../kube/cluster";
import type { KObject } from "../kube/types";
import { ApiError } from "../kube/errors";
import { fnv32a } from "../kube/controllers/podtemplate";

// Container logs as data: scenarios write the story for the pods that have one; every other
// container gets a few plausible lines derived from its image, starting when it started.
// The pods/log handler serves these through getContainerLog; after a `kill 1` restart the
// lines split at the restart into the current run and `previous`.

export interface LogEntry {
  /** RFC 3339 with nanoseconds, as the kubelet's `timestamps=true` prints it. */
  time: string;
  line: string;
}

const stored = new WeakMap<SimCluster, Map<string, LogEntry[]>>();

function slot(ns: string, pod: string, container: string, previous: boolean): string {
  return `${ns}/${pod}/${container}/${previous ? "previous" : "current"}`;
}

function table(cluster: SimCluster): Map<string, LogEntry[]> {
  let t = stored.get(cluster);
  if (!t) stored.set(cluster, (t = new Map()));
  return t;
}

/** Nanosecond RFC 3339 from milliseconds, with deterministic sub-millisecond digits. */
export function rfc3339Nano(ms: number, salt = 0): string {
  const base = new Date(ms).toISOString().replace(/Z$/, "");
  return `${base}${String((salt * 7919) % 1_000_000).padStart(6, "0")}Z`;
}

export function setContainerLog(
  cluster: SimCluster,
  ns: string,
  pod: string,
  container: string,
  entries: LogEntry[],
  options: { previous?: boolean } = {},
): void {
  table(cluster).set(slot(ns, pod, container, !!options.previous), entries.slice());
}

/** A container restarted: what it printed becomes `--previous`, the new one starts empty-ish. */
export function moveLogToPrevious(cluster: SimCluster, ns: string, pod: string, container: string, restartedAtMs: number): void {
  const t = table(cluster);
  const p = cluster.store.get("pods", ns, pod);
  const current = t.get(slot(ns, pod, container, false)) ?? (p ? defaultEntries(p, container) : []);
  t.set(slot(ns, pod, container, true), current);
  const image = containerImage(p, container);
  t.set(slot(ns, pod, container, false), startupLines(image, restartedAtMs, fnv32a(`${pod}/${container}/restart`)));
}

interface ContainerRunStatus {
  name: string;
  restartCount?: number;
  state?: { running?: { startedAt?: string } };
  lastState?: { terminated?: { startedAt?: string; finishedAt?: string } };
}

/**
 * A container's log lines with their times. The scenario's story spans the pod's life; after a
 * restart (`kill 1`) the current run shows what was printed since it started and `previous`
 * what the run before printed.
 */
function getContainerLogEntries(cluster: SimCluster, ns: string, pod: string, container: string, options: { previous?: boolean } = {}): LogEntry[] {
  const p = cluster.store.get("pods", ns, pod);
  if (p) {
    const names = ((p.spec?.containers ?? []) as { name: string }[]).map((c) => c.name);
    const init = ((p.spec?.initContainers ?? []) as { name: string }[]).map((c) => c.name);
    if (!names.includes(container) && !init.includes(container)) {
      throw new ApiError(400, "BadRequest", `container ${container} is not valid for pod ${pod}`);
    }
  }
  const t = table(cluster);
  const cs = ((p?.status?.containerStatuses ?? []) as ContainerRunStatus[]).find((c) => c.name === container);
  const all = t.get(slot(ns, pod, container, false)) ?? (p ? defaultEntries(p, container) : []);
  if (options.previous) {
    const explicit = t.get(slot(ns, pod, container, true));
    if (explicit) return explicit;
    if (!cs?.restartCount) throw new ApiError(400, "BadRequest", `previous terminated container "${container}" in pod "${pod}" not found`);
    const until = Date.parse(cs.lastState?.terminated?.finishedAt ?? "") || Infinity;
    const from = Date.parse(cs.lastState?.terminated?.startedAt ?? "") || 0;
    return all.filter((e) => Date.parse(e.time) <= until && Date.parse(e.time) >= from);
  }
  const startedAt = Date.parse(cs?.state?.running?.startedAt ?? "");
  if (cs?.restartCount && Number.isFinite(startedAt)) {
    const since = all.filter((e) => Date.parse(e.time) >= startedAt);
    return since.length ? since : startupLines(containerImage(p, container), startedAt, fnv32a(`${pod}/${container}/${cs.restartCount}`));
  }
  return all;
}

/**
 * The entry point the pods/log handler uses: entries `{time, line}` with RFC 3339 (nanosecond)
 * timestamps, oldest first. Throws 400 as the kubelet does for `previous` without a restart.
 */
export function getContainerLog(cluster: SimCluster, ns: string, pod: string, container: string, options: { previous?: boolean } = {}): LogEntry[] {
  return getContainerLogEntries(cluster, ns, pod, container, options);
}

function containerImage(pod: KObject | undefined, container: string): string {
  return (((pod?.spec?.containers ?? []) as { name: string; image: string }[]).find((c) => c.name === container)?.image ?? "").toLowerCase();
}

function defaultEntries(pod: KObject, container: string): LogEntry[] {
  // From the pod's start, so lines survive a container restart as the earlier run's output.
  const started = pod.status?.startTime as string | undefined;
  if (!started) return [];
  return startupLines(containerImage(pod, container), Date.parse(started), fnv32a(`${pod.metadata.name}/${container}`));
}

function startupLines(image: string, startMs: number, seed: number): LogEntry[] {
  const lines: string[] = [];
  if (image.includes("redis")) {
    lines.push(
      "1:C 03 Feb 2025 15:24:02.101 * oO0OoO0OoO0Oo Redis is starting oO0OoO0OoO0Oo",
      "1:C 03 Feb 2025 15:24:02.101 * Redis version=7.2.5, bits=64, commit=00000000, modified=0, pid=1, just started",
      "1:M 03 Feb 2025 15:24:02.102 * Running mode=standalone, port=6379.",
      "1:M 03 Feb 2025 15:24:02.103 * Server initialized",
      "1:M 03 Feb 2025 15:24:02.103 * Ready to accept connections tcp",
    );
  } else if (image.includes("fluent-bit") || image.includes("fluentbit")) {
    lines.push(
      "Fluent Bit v1.8.12",
      "[2025/02/03 15:22:31] [ info] [engine] started (pid=1)",
      "[2025/02/03 15:22:31] [ info] [storage] version=1.1.5, initializing...",
      "[2025/02/03 15:22:31] [ info] [input:tail:tail.0] initializing",
      "[2025/02/03 15:22:31] [ info] [output:stackdriver:stackdriver.0] metadata_server set to http://metadata.google.internal",
      "[2025/02/03 15:22:31] [ info] [sp] stream processor started",
    );
  } else if (image.includes("busybox") || image.includes("alpine")) {
    // Shells and sleepers print nothing.
  } else if (image.includes("nginx") || image.includes("frontend")) {
    lines.push(
      "starting frontend on :8080 (build 2.14.1)",
      "loaded 412 catalog entries from cart service cache",
      `10.4.0.1 - - "GET /healthz HTTP/1.1" 200 2 "-" "kube-probe/1.32"`,
      `10.128.0.${2 + (seed % 3)} - - "GET / HTTP/1.1" 200 5124 "-" "Mozilla/5.0 (X11; Linux x86_64)"`,
      `10.128.0.${2 + (seed % 3)} - - "GET /products/sku-${1000 + (seed % 8999)} HTTP/1.1" 200 3311 "-" "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X)"`,
    );
  } else {
    lines.push(
      `{"level":"info","msg":"starting","version":"1.9.3","port":8080}`,
      `{"level":"info","msg":"connected to database","host":"10.20.0.5:5432","pool":10}`,
      `{"level":"info","msg":"listening","addr":":8080"}`,
      `{"level":"info","msg":"request","method":"GET","path":"/healthz","status":200,"ms":1}`,
      `{"level":"info","msg":"request","method":"POST","path":"/api/v1/orders","status":201,"ms":${20 + (seed % 80)}}`,
    );
  }
  return lines.map((line, i) => ({ time: rfc3339Nano(startMs + 150 + i * (i < 3 ? 40 : 60_000 + (seed % 30_000)), seed + i), line }));
}
