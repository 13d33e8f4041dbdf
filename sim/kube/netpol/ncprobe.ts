import type { World } from "../../world";
import type { SimCluster } from "../cluster";
import type { KObject } from "../types";
import { appendOutput } from "../pods/output";
import { isAllowed, podByIp, type Verdict } from "./evaluate";
import { labelSelectorMatches } from "../label-selector";
import { isIPv4 } from "./selectors";
import { isListenerClosed } from "./listeners";

// Pods running busybox `nc -z -w <s> <ip> <port>` are how a cluster shows whether
// NetworkPolicy lets a connection through: the container exits 0 when the connection opens,
// 1 when it is refused or times out. The simulator decides with isAllowed() at the moment the
// container starts, and prints what busybox (nc_bloaty.c, the NC_110_COMPAT nc) prints:
// - TCP: "HOST (IP:PORT) open" (-v); a drop is "nc: HOST (IP:PORT): Connection timed out" (-v);
//   a refusal prints its line only at -vv ("at one -v, don't print refusals").
// - UDP (-u -z): nc sends one datagram, sleeps -w seconds and sends another; only an ICMP
//   port-unreachable (delivered as ECONNREFUSED) makes it fail. Silence, whether the datagram was
//   dropped or a listener read it without answering, is exit 0 and "open": UDP never times out.

export interface NcProbe {
  container: string;
  host: string;
  port: number;
  timeoutSeconds?: number;
  verbose: boolean;
  /** How many -v: busybox prints a refusal only at two. Absent: 1 when `verbose`. */
  verbosity?: number;
  udp: boolean;
}

export interface ProbeOutcome {
  exitCode: number;
  /** "open" | "refused" | "timeout" */
  result: "open" | "refused" | "timeout";
  lines: string[];
  /** simulated milliseconds from start to exit */
  durationMs: number;
  verdict?: Verdict;
  reason: string;
}

const SHELLS = new Set(["sh", "bash", "ash"]);
// Linux gives up on an unanswered SYN after about two minutes when nc sets no -w.
const KERNEL_CONNECT_TIMEOUT_S = 127;
const MIN_RUN_MS = 200;

function basename(p: string): string {
  return p.slice(p.lastIndexOf("/") + 1);
}

/** nc argv (after the program name) in busybox's option syntax, clustered flags included. */
function parseNcArgs(args: string[]): Omit<NcProbe, "container"> | undefined {
  let z = false;
  let verbosity = 0;
  let udp = false;
  let timeoutSeconds: number | undefined;
  const positional: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a.startsWith("-") && a.length > 1 && !/^-\d/.test(a)) {
      for (let j = 1; j < a.length; j++) {
        const f = a[j];
        if (f === "z") z = true;
        else if (f === "v") verbosity++;
        else if (f === "u") udp = true;
        else if (f === "n") continue;
        else if (f === "w") {
          const rest = a.slice(j + 1);
          const value = rest !== "" ? rest : args[++i];
          if (value === undefined || !/^\d+$/.test(value)) return undefined;
          timeoutSeconds = Number(value);
          break;
        } else return undefined;
      }
    } else positional.push(a);
  }
  if (!z || positional.length !== 2 || !/^\d+$/.test(positional[1])) return undefined;
  return { host: positional[0], port: Number(positional[1]), timeoutSeconds, verbose: verbosity > 0, verbosity, udp };
}

/** The nc probe a container runs, from command+args in any of the usual forms. */
export function parseNcProbe(container: { name: string; command?: string[]; args?: string[] }): NcProbe | undefined {
  let argv = [...(container.command ?? []), ...(container.args ?? [])];
  if (argv.length >= 3 && SHELLS.has(basename(argv[0])) && argv[1] === "-c") {
    argv = argv[2].trim().split(/\s+/);
    if (argv[0] === "exec") argv = argv.slice(1);
  }
  if (argv.length && basename(argv[0]) === "busybox") argv = argv.slice(1);
  if (!argv.length || basename(argv[0]) !== "nc") return undefined;
  const parsed = parseNcArgs(argv.slice(1));
  return parsed && { container: container.name, ...parsed };
}

function ncProbes(pod: KObject): NcProbe[] {
  return ((pod.spec?.containers ?? []) as { name: string; command?: string[]; args?: string[] }[]).map(parseNcProbe).filter((p): p is NcProbe => !!p);
}

export function isNcProbePod(pod: KObject): boolean {
  return ncProbes(pod).length > 0;
}

function declaredPorts(pod: KObject, protocol: string): number[] | undefined {
  const ports: number[] = [];
  let declared = false;
  for (const c of pod.spec?.containers ?? []) {
    for (const p of c.ports ?? []) {
      declared = true;
      if ((p.protocol ?? "TCP").toUpperCase() === protocol) ports.push(p.containerPort);
    }
  }
  return declared ? ports : undefined;
}

/** A Service's ClusterIP stands for one ready backend, reached on the mapped target port. */
function resolveService(cluster: SimCluster, ip: string, port: number, protocol: string): { pod?: KObject; ip?: string; port: number; service?: string } {
  for (const svc of cluster.store.scan("services")) {
    if (svc.spec?.clusterIP !== ip) continue;
    const sp = (svc.spec?.ports ?? []).find((p: { port: number; protocol?: string }) => p.port === port && (p.protocol ?? "TCP") === protocol);
    const service = `${svc.metadata.namespace}/${svc.metadata.name}`;
    if (sp && !svc.spec?.selector) {
      // A Service without a selector (`kubernetes`: the API server) goes to its Endpoints as written.
      const ep = cluster.store.get("endpoints", svc.metadata.namespace, svc.metadata.name);
      for (const subset of (ep?.subsets ?? []) as { addresses?: { ip: string }[]; ports?: { name?: string; port: number }[] }[]) {
        const target = subset.ports?.find((p) => (p.name ?? "") === (sp.name ?? "")) ?? subset.ports?.[0];
        if (subset.addresses?.length && target) return { ip: subset.addresses[0].ip, port: target.port, service };
      }
      return { port, service };
    }
    if (!sp || !svc.spec?.selector) return { port, service };
    const selector = svc.spec.selector as Record<string, string>;
    for (const pod of cluster.store.scan("pods", { namespace: svc.metadata.namespace })) {
      if (pod.status?.phase !== "Running" || !pod.status?.podIP || pod.metadata.deletionTimestamp) continue;
      if (!labelSelectorMatches({ matchLabels: selector }, pod.metadata.labels)) continue;
      const target = sp.targetPort ?? sp.port;
      let targetPort = typeof target === "number" ? target : Number(target);
      if (!Number.isInteger(targetPort)) {
        const named = (pod.spec?.containers ?? [])
          .flatMap((c: { ports?: { name?: string; containerPort: number }[] }) => c.ports ?? [])
          .find((p: { name?: string }) => p.name === target);
        if (!named) continue;
        targetPort = named.containerPort;
      }
      return { pod, port: targetPort, service };
    }
    return { port, service };
  }
  return { port };
}

/** Cluster DNS for Services: name, name.ns, name.ns.svc, name.ns.svc.cluster.local. */
function resolveServiceName(cluster: SimCluster, host: string, fromNamespace: string): string | undefined {
  const parts = host.replace(/\.$/, "").split(".");
  const suffix = parts.slice(2).join(".");
  if (parts.length > 2 && suffix !== "svc" && suffix !== "svc.cluster.local") return undefined;
  const [name, namespace = fromNamespace] = parts;
  const svc = cluster.store.get("services", namespace, name);
  const clusterIP = svc?.spec?.clusterIP as string | undefined;
  return clusterIP && clusterIP !== "None" ? clusterIP : undefined;
}

export function evaluateNcProbe(world: World, cluster: SimCluster, src: KObject, probe: NcProbe, at = world.clock.now()): ProbeOutcome {
  const protocol = probe.udp ? "UDP" : "TCP";
  const ip = isIPv4(probe.host) ? probe.host : resolveServiceName(cluster, probe.host, src.metadata.namespace!);
  const label = `${probe.host} (${ip ?? probe.host}:${probe.port})`;
  const timeoutMs = (probe.timeoutSeconds ?? KERNEL_CONNECT_TIMEOUT_S) * 1000;
  const verbosity = probe.verbosity ?? (probe.verbose ? 1 : 0);
  // -vv ends with the byte counts; a zero-I/O scan sends and receives none.
  const tail = verbosity > 1 ? ["sent 0, rcvd 0"] : [];
  // A UDP scan waits out -w between its two datagrams whatever comes back (no -w: a round trip).
  const udpWaitMs = (probe.timeoutSeconds ?? 0) * 1000;
  const fail = (result: "refused" | "timeout", reason: string, verdict?: Verdict): ProbeOutcome => ({
    exitCode: 1,
    result,
    lines: [
      ...((result === "refused" ? verbosity > 1 : verbosity > 0)
        ? [`nc: ${label}: ${result === "refused" ? "Connection refused" : "Connection timed out"}`]
        : []),
      ...tail,
    ],
    durationMs: result === "timeout" ? timeoutMs : probe.udp ? udpWaitMs : 0,
    verdict,
    reason,
  });
  const open = (reason: string, verdict?: Verdict): ProbeOutcome => ({
    exitCode: 0,
    result: "open",
    lines: [...(verbosity > 0 ? [`${label} open`] : []), ...tail],
    durationMs: probe.udp ? udpWaitMs : 0,
    verdict,
    reason,
  });
  if (!ip) {
    // busybox prints this whatever -v says: name resolution failed before any connection.
    return {
      exitCode: 1,
      result: "refused",
      lines: [`nc: bad address '${probe.host}'`],
      durationMs: 0,
      reason: `${probe.host} does not resolve (only Service names and IPv4 addresses do)`,
    };
  }
  const service = resolveService(cluster, ip, probe.port, protocol);
  if (service.service && !service.pod && !service.ip) return fail("refused", `service ${service.service} has no ready backend for port ${probe.port}`);
  const dstIp = service.ip ?? ip;
  const dstPod = service.pod ?? podByIp(cluster, dstIp);
  const port = service.pod || service.ip ? service.port : probe.port;
  const verdict = isAllowed(cluster, world, { src: { pod: src }, dst: dstPod ? { pod: dstPod } : { ip: dstIp }, port, protocol, at });
  // A dropped SYN is silence until the timeout, which is how policy denial looks from inside. A
  // dropped datagram is silence too, which a UDP scan reports as open.
  if (!verdict.allowed) return probe.udp ? open(`UDP: no reply (dropped: ${verdict.reason})`, verdict) : fail("timeout", verdict.reason, verdict);
  if (dstPod) {
    const ports = declaredPorts(dstPod, protocol);
    if (ports && !ports.includes(port))
      return fail("refused", `pod ${dstPod.metadata.namespace}/${dstPod.metadata.name} does not listen on ${protocol} ${port}`, verdict);
    if (isListenerClosed(cluster, dstPod, port, protocol))
      return fail("refused", `pod ${dstPod.metadata.namespace}/${dstPod.metadata.name} closed its listener on ${protocol} ${port}`, verdict);
  }
  return open(verdict.reason, verdict);
}

const started = new WeakMap<SimCluster, Set<string>>();

/** Runs the pod's nc containers once; safe to call for every Running update of the pod. */
export function startNcProbe(world: World, cluster: SimCluster, pod: KObject): void {
  const probes = ncProbes(pod);
  if (!probes.length || pod.status?.phase !== "Running") return;
  let seen = started.get(cluster);
  if (!seen) started.set(cluster, (seen = new Set()));
  const uid = pod.metadata.uid!;
  if (seen.has(uid)) return;
  seen.add(uid);
  const at = world.clock.now();
  for (const probe of probes) {
    const outcome = evaluateNcProbe(world, cluster, pod, probe, at);
    const finish = () => finishProbe(world, cluster, pod.metadata.namespace!, pod.metadata.name, uid, probe, outcome, at + outcome.durationMs);
    // Never synchronously: the caller may be the kubelet midway through writing Running.
    cluster.stops.push(world.clock.after(Math.max(outcome.durationMs, MIN_RUN_MS), finish));
  }
}

function finishProbe(
  world: World,
  cluster: SimCluster,
  namespace: string,
  name: string,
  uid: string,
  probe: NcProbe,
  outcome: ProbeOutcome,
  endedAt: number,
): void {
  const current = cluster.store.get("pods", namespace, name);
  if (!current || current.metadata.uid !== uid) return;
  if (outcome.lines.length) appendOutput(cluster, namespace, name, probe.container, endedAt, outcome.lines.join("\n"));
  const pod = structuredClone(current) as KObject;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const statuses = (pod.status?.containerStatuses ?? []) as any[];
  const status = statuses.find((s) => s.name === probe.container);
  if (!status) return;
  const finishedAt = new Date(endedAt).toISOString().replace(/\.\d{3}Z$/, "Z");
  const terminated = {
    exitCode: outcome.exitCode,
    reason: outcome.exitCode === 0 ? "Completed" : "Error",
    startedAt: status.state?.running?.startedAt ?? finishedAt,
    finishedAt,
    containerID: status.containerID,
  };
  const policy = pod.spec?.restartPolicy ?? "Always";
  const restarts = policy === "Always" || (policy === "OnFailure" && outcome.exitCode !== 0);
  if (restarts) {
    // One simulated run only: the container then backs off, as a crash-looping probe does.
    status.lastState = { terminated };
    status.restartCount = (status.restartCount ?? 0) + 1;
    status.state = {
      waiting: { reason: "CrashLoopBackOff", message: `back-off 10s restarting failed container=${probe.container} pod=${name}_${namespace}(${uid})` },
    };
  } else {
    status.state = { terminated };
  }
  status.ready = false;
  status.started = false;
  if (statuses.every((s) => s.state?.terminated)) {
    pod.status.phase = statuses.some((s) => s.state.terminated.exitCode !== 0) ? "Failed" : "Succeeded";
  }
  for (const c of (pod.status.conditions ?? []) as { type: string; status: string; reason?: string; lastTransitionTime?: string }[]) {
    if (c.type === "Ready" || c.type === "ContainersReady") {
      c.status = "False";
      c.reason = restarts ? "ContainersNotReady" : "PodCompleted";
      c.lastTransitionTime = finishedAt;
    }
  }
  cluster.store.update("pods", pod);
}

/** For worlds without controllers (no kubelet to start them): watch the store for probe pods turning Running. */
export function watchNcProbes(world: World, cluster: SimCluster): () => void {
  for (const pod of cluster.store.scan("pods")) if (pod.status?.phase === "Running" && isNcProbePod(pod)) startNcProbe(world, cluster, pod);
  const stop = cluster.store.onChange((e) => {
    if (e.resource !== "pods" || e.type === "DELETED") return;
    if (e.object.status?.phase === "Running" && isNcProbePod(e.object)) startNcProbe(world, cluster, e.object);
  });
  cluster.stops.push(stop);
  return stop;
}
