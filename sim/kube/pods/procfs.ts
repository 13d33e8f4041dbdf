import type { World } from "../../world";
import type { SimCluster } from "../cluster";
import type { KObject } from "../types";
import { establishedFlows, flowInode, listenInode, procNetTcp } from "../netpol/flows";

// What a process inside a pod sees of its container: a filesystem (the attacker's files, with
// real bytes) and /proc (processes with cmdline, exe, cwd, environment, open files; the pod's
// sockets). A scenario declares the processes and files of a container; every other container
// has one process (its command) and no files. An ephemeral container with targetContainerName
// shares the target's PID namespace, as on a real node: its /proc lists the target's processes
// after its own, and /proc/<pid>/root/<path> reaches the target's filesystem (how a toolbox
// reads files out of an image with no shell). A container restart loses its writable layer and
// its processes: the model is kept per pod uid, container and restart count.

export interface SimFile {
  bytes: Buffer;
  /** permission bits */
  mode: number;
  /** epoch ms */
  mtime: number;
}

export interface SimFd {
  fd: number;
  /** readlink target: a path, `pipe:[n]`, or a socket of the pod's TCP table */
  target: string | { socket: "flow"; process: string } | { socket: "listen"; port: number };
}

export interface SimProcess {
  pid: number;
  ppid: number;
  cmdline: string[];
  exe: string;
  cwd: string;
  env: Record<string, string>;
  fds: SimFd[];
}

export interface ContainerModel {
  files: Map<string, SimFile>;
  processes: SimProcess[];
}

interface Kept extends ContainerModel {
  restartCount: number;
}

const models = new WeakMap<SimCluster, Map<string, Kept>>();

const keyOf = (pod: KObject, container: string) => `${pod.metadata.uid}/${container}`;

function restartCountOf(pod: KObject, container: string): number {
  const all = [...(pod.status?.containerStatuses ?? []), ...(pod.status?.ephemeralContainerStatuses ?? [])] as { name: string; restartCount?: number }[];
  return all.find((s) => s.name === container)?.restartCount ?? 0;
}

/** Scenarios: the processes and files a container runs with (from its current start). */
export function setContainerModel(cluster: SimCluster, pod: KObject, container: string, model: ContainerModel): void {
  let m = models.get(cluster);
  if (!m) models.set(cluster, (m = new Map()));
  m.set(keyOf(pod, container), { ...model, restartCount: restartCountOf(pod, container) });
}

interface ContainerSpecLike {
  name: string;
  image?: string;
  command?: string[];
  args?: string[];
  env?: { name: string; value?: string }[];
  targetContainerName?: string;
}

function specOf(pod: KObject, container: string): ContainerSpecLike | undefined {
  return [...(pod.spec?.containers ?? []), ...(pod.spec?.ephemeralContainers ?? [])].find((c: ContainerSpecLike) => c.name === container);
}

/** What a scenario declared for the container's current run, if anything. */
function declaredModel(cluster: SimCluster, pod: KObject, container: string): ContainerModel | undefined {
  const kept = models.get(cluster)?.get(keyOf(pod, container));
  return kept && kept.restartCount === restartCountOf(pod, container) ? kept : undefined;
}

/** The declared model, or the container's own command as its only process. */
export function containerModel(cluster: SimCluster, pod: KObject, container: string): ContainerModel | undefined {
  const declared = declaredModel(cluster, pod, container);
  if (declared) return declared;
  const spec = specOf(pod, container);
  if (!spec) return undefined;
  const argv = [...(spec.command ?? []), ...(spec.args ?? [])];
  const cmdline = argv.length ? argv : [`/${(spec.image ?? "app").split("/").pop()!.split(/[:@]/)[0]}`];
  const exe = cmdline[0].startsWith("/") ? cmdline[0] : `/bin/${cmdline[0]}`;
  const env = Object.fromEntries((spec.env ?? []).map((e) => [e.name, e.value ?? ""]));
  return {
    files: new Map(),
    processes: [{ pid: 1, ppid: 0, cmdline, exe, cwd: "/", env, fds: [0, 1, 2].map((fd) => ({ fd, target: "/dev/null" })) }],
  };
}

/** One process as seen from a PID namespace, with the container that owns it. */
export interface VisibleProcess extends SimProcess {
  container: string;
}

/**
 * The PID namespace an exec in `container` sees: its own processes, or for an ephemeral
 * container targeting another, the target's processes and then its own (numbered after them).
 */
export function visibleProcesses(cluster: SimCluster, pod: KObject, container: string): VisibleProcess[] {
  const spec = specOf(pod, container);
  const own = containerModel(cluster, pod, container)?.processes ?? [];
  const target = spec?.targetContainerName;
  if (!target) return own.map((p) => ({ ...p, container }));
  const theirs = (containerModel(cluster, pod, target)?.processes ?? []).map((p) => ({ ...p, container: target }));
  const next = Math.max(0, ...theirs.map((p) => p.pid)) + 1;
  // Ephemeral containers of the same target each get the next PIDs, in the order they were added.
  const earlier = ((pod.spec?.ephemeralContainers ?? []) as ContainerSpecLike[]).filter((c) => c.targetContainerName === target);
  const offset = earlier.findIndex((c) => c.name === container);
  const base = next + Math.max(0, offset) * 10;
  return [...theirs, ...own.map((p) => ({ ...p, pid: base + p.pid - 1, ppid: p.ppid === 0 ? 0 : base + p.ppid - 1, container }))];
}

export type Resolved =
  | { kind: "file"; bytes: Buffer; mode: number; mtime: number }
  | { kind: "dir"; entries: string[]; mode: number; mtime: number }
  | { kind: "link"; target: string };

const UDP_HEADER = "   sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops\n";
const TCP6_HEADER =
  "  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n";
const PROC_MISC = ["cpuinfo", "meminfo", "mounts", "net", "self", "stat", "uptime", "version"];

function mountsOf(pod: KObject): string {
  const lines = [
    "overlay / overlay rw,relatime,lowerdir=/var/lib/containerd/io.containerd.snapshotter.v1.overlayfs/snapshots/41/fs,upperdir=/var/lib/containerd/io.containerd.snapshotter.v1.overlayfs/snapshots/58/fs,workdir=/var/lib/containerd/io.containerd.snapshotter.v1.overlayfs/snapshots/58/work 0 0",
    "proc /proc proc rw,nosuid,nodev,noexec,relatime 0 0",
    "tmpfs /dev tmpfs rw,nosuid,size=65536k,mode=755 0 0",
    "/dev/sda1 /etc/hosts ext4 rw,relatime,commit=30 0 0",
    "/dev/sda1 /dev/termination-log ext4 rw,relatime,commit=30 0 0",
    "/dev/sda1 /etc/hostname ext4 rw,nosuid,nodev,relatime,commit=30 0 0",
  ];
  for (const v of (pod.spec?.volumes ?? []) as { name: string; emptyDir?: unknown; projected?: unknown }[]) {
    if (v.projected) lines.push("tmpfs /var/run/secrets/kubernetes.io/serviceaccount tmpfs ro,relatime,size=3884392k 0 0");
    if (v.emptyDir) lines.push(`/dev/sda1 /${v.name} ext4 rw,relatime,commit=30 0 0`);
  }
  if (!lines.some((l) => l.includes("serviceaccount")) && pod.spec?.automountServiceAccountToken !== false)
    lines.push("tmpfs /var/run/secrets/kubernetes.io/serviceaccount tmpfs ro,relatime,size=3884392k 0 0");
  return `${lines.join("\n")}\n`;
}

function fdTarget(world: World, cluster: SimCluster, pod: KObject, fd: SimFd): string {
  const t = fd.target;
  if (typeof t === "string") return t;
  if (t.socket === "listen") return `socket:[${listenInode(pod, t.port)}]`;
  const flow = establishedFlows(cluster).find((f) => f.podUid === pod.metadata.uid && f.process === t.process);
  return flow ? `socket:[${flowInode(pod, flow)}]` : "socket:[0]";
}

const text = (s: string): Resolved => ({ kind: "file", bytes: Buffer.from(s, "utf8"), mode: 0o444, mtime: 0 });

/** null: no such file (the model says so); undefined: not simulated (a container with no declared files). */
type Lookup = Resolved | null | undefined;

function resolveProc(world: World, cluster: SimCluster, pod: KObject, procs: VisibleProcess[], rest: string[]): Lookup {
  if (rest.length === 0) return { kind: "dir", entries: [...procs.map((p) => String(p.pid)), ...PROC_MISC], mode: 0o555, mtime: 0 };
  const [first, ...more] = rest;
  if (first === "mounts") return more.length ? null : text(mountsOf(pod));
  if (first === "net" || first === "self")
    return resolveProc(world, cluster, pod, procs, first === "net" ? ["1", ...rest] : [String(procs[procs.length - 1]?.pid ?? 1), ...more]);
  if (!/^\d+$/.test(first)) return null;
  const p = procs.find((x) => x.pid === Number(first));
  if (!p) return null;
  const [leaf, ...tail] = more;
  if (leaf === undefined) return { kind: "dir", entries: ["cmdline", "comm", "cwd", "environ", "exe", "fd", "mounts", "net", "root"], mode: 0o555, mtime: 0 };
  if (leaf === "root") return resolveFs(cluster, pod, p.container, tail);
  if (tail.length && !["fd", "net"].includes(leaf)) return null;
  switch (leaf) {
    case "cmdline":
      return text(`${p.cmdline.join("\0")}\0`);
    case "comm":
      return text(`${p.exe.slice(p.exe.lastIndexOf("/") + 1).slice(0, 15)}\n`);
    case "environ":
      return text(
        Object.entries(p.env)
          .map(([k, v]) => `${k}=${v}\0`)
          .join(""),
      );
    case "exe":
      return { kind: "link", target: p.exe };
    case "cwd":
      return { kind: "link", target: p.cwd };
    case "mounts":
      return text(mountsOf(pod));
    case "fd": {
      if (!tail.length) return { kind: "dir", entries: p.fds.map((f) => String(f.fd)), mode: 0o500, mtime: 0 };
      const fd = p.fds.find((f) => String(f.fd) === tail[0]);
      return fd && tail.length === 1 ? { kind: "link", target: fdTarget(world, cluster, pod, fd) } : null;
    }
    case "net": {
      if (!tail.length) return { kind: "dir", entries: ["tcp", "tcp6", "udp", "udp6"], mode: 0o555, mtime: 0 };
      if (tail.length !== 1) return null;
      if (tail[0] === "tcp") return text(procNetTcp(world, cluster, pod));
      if (tail[0] === "tcp6") return text(TCP6_HEADER);
      if (tail[0] === "udp" || tail[0] === "udp6") return text(UDP_HEADER);
      return null;
    }
    default:
      return null;
  }
}

function resolveFs(cluster: SimCluster, pod: KObject, container: string, parts: string[]): Lookup {
  const files = declaredModel(cluster, pod, container)?.files;
  if (!files) return undefined;
  const path = `/${parts.join("/")}`;
  const file = files.get(path);
  if (file) return { kind: "file", bytes: file.bytes, mode: file.mode, mtime: file.mtime };
  const prefix = path === "/" ? "/" : `${path}/`;
  const entries = new Set<string>();
  let mtime = 0;
  for (const [p, f] of files) {
    if (!p.startsWith(prefix)) continue;
    entries.add(p.slice(prefix.length).split("/")[0]);
    mtime = Math.max(mtime, f.mtime);
  }
  return entries.size ? { kind: "dir", entries: [...entries].sort(), mode: 0o755, mtime } : null;
}

/**
 * A path as a process in `container` of the pod sees it: /proc (its PID namespace, the pod's
 * network namespace) or its own filesystem. null: no such file; undefined: not simulated.
 */
export function resolvePath(world: World, cluster: SimCluster, pod: KObject, container: string, path: string): Lookup {
  const parts = path.split("/").filter((s) => s && s !== ".");
  if (parts.includes("..")) return undefined;
  if (parts[0] === "proc") return resolveProc(world, cluster, pod, visibleProcesses(cluster, pod, container), parts.slice(1));
  return resolveFs(cluster, pod, container, parts);
}

/** A file's entries for tar: the path itself, and for a directory everything under it. */
export function walk(world: World, cluster: SimCluster, pod: KObject, container: string, path: string): { path: string; node: Resolved }[] | null | undefined {
  const node = resolvePath(world, cluster, pod, container, path);
  if (!node) return node;
  const out = [{ path, node }];
  const inProc = /^\/?proc(\/|$)/.test(path) && !/^\/?proc\/\d+\/root(\/|$)/.test(path);
  if (node.kind === "dir" && !inProc)
    for (const e of node.entries) out.push(...(walk(world, cluster, pod, container, `${path.replace(/\/$/, "")}/${e}`) ?? []));
  return out;
}
