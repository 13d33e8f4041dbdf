import type { KObject, StoreEvent } from "../types";
import type { Controller, ControllerManager } from "./manager";
import { recordEvent } from "../events";
import { controllerOf, isTerminating } from "./labels";
import { fnv32a } from "./podtemplate";
import { isNcProbePod, startNcProbe } from "../netpol/ncprobe";
import { pendingEphemeralContainers, startEphemeralContainers } from "../pods/ephemeral";

// The kubelet's part: a pod bound to a node starts 1–2 simulated seconds later (pull, create,
// start), gets an IP from the node's pod range and becomes Ready. After that the kubelet
// leaves it alone, except for NetworkPolicy probe pods (busybox nc, whose exit the NetworkPolicy
// evaluator decides) and Job pods, which complete.

/** "docker.io/library/nginx:1.27" for "nginx:1.27", as containerd reports image names. */
export function fullImageName(image: string): string {
  let ref = image.includes(":") || image.includes("@") ? image : `${image}:latest`;
  const first = ref.split("/")[0];
  if (!ref.includes("/")) ref = `docker.io/library/${ref}`;
  else if (!first.includes(".") && !first.includes(":") && first !== "localhost") ref = `docker.io/${ref}`;
  return ref;
}

function hex64(seed: string): string {
  let out = "";
  for (let i = 0; out.length < 64; i++) out += fnv32a(`${seed}#${i}`).toString(16).padStart(8, "0");
  return out.slice(0, 64);
}

export function containerId(podUid: string, container: string, restart = 0): string {
  return `containerd://${hex64(`${podUid}/${container}/${restart}`)}`;
}

export function imageId(image: string): string {
  const full = fullImageName(image);
  const at = full.indexOf("@");
  const repo = at >= 0 ? full.slice(0, at) : full.replace(/:[^/:]*$/, "");
  return `${repo}@sha256:${hex64(full)}`;
}

/** A container's status once the kubelet has started it: running (app containers) or completed (init containers). */
function containerStatus(podUid: string, c: { name: string; image: string }, state: Record<string, unknown>, started: boolean): Record<string, unknown> {
  return {
    name: c.name,
    state,
    lastState: {},
    ready: true,
    restartCount: 0,
    image: fullImageName(c.image),
    imageID: imageId(c.image),
    containerID: containerId(podUid, c.name),
    started,
  };
}

/** The status a started pod has; exported so scenarios can build Running pods directly. */
function runningStatus(pod: KObject, hostIP: string, podIP: string, now: string): Record<string, unknown> {
  const spec = pod.spec ?? {};
  const uid = pod.metadata.uid ?? pod.metadata.name;
  const cond = (type: string) => ({ type, status: "True", lastProbeTime: null, lastTransitionTime: now });
  const status: Record<string, unknown> = {
    phase: "Running",
    conditions: [cond("PodReadyToStartContainers"), cond("Initialized"), cond("Ready"), cond("ContainersReady"), cond("PodScheduled")],
    hostIP,
    hostIPs: [{ ip: hostIP }],
    podIP,
    podIPs: [{ ip: podIP }],
    startTime: now,
    containerStatuses: ((spec.containers ?? []) as { name: string; image: string }[]).map((c) =>
      containerStatus(uid, c, { running: { startedAt: now } }, true),
    ),
    qosClass: pod.status?.qosClass ?? "BestEffort",
  };
  if (spec.initContainers?.length) {
    status.initContainerStatuses = (spec.initContainers as { name: string; image: string }[]).map((c) =>
      containerStatus(
        uid,
        c,
        { terminated: { exitCode: 0, reason: "Completed", startedAt: now, finishedAt: now, containerID: containerId(uid, c.name) } },
        false,
      ),
    );
  }
  return status;
}

function nodeInternalIP(node: KObject | undefined): string {
  return ((node?.status?.addresses ?? []) as { type: string; address: string }[]).find((a) => a.type === "InternalIP")?.address ?? "10.128.0.2";
}

export class Kubelet implements Controller {
  readonly name = "kubelet";
  private readonly starting = new Set<string>();
  private readonly completing = new Set<string>();
  private readonly ipsByNode = new Map<string, Set<string>>();

  constructor(private readonly m: ControllerManager) {}

  resyncAll(): void {
    for (const pods of this.m.podsByNs.values()) for (const pod of pods.values()) this.consider(pod);
  }

  observe(e: StoreEvent): void {
    if (e.resource !== "pods") return;
    if (e.type === "DELETED") {
      const ip = e.object.status?.podIP as string | undefined;
      const node = e.object.spec?.nodeName as string | undefined;
      if (ip && node) this.ipsByNode.get(node)?.delete(ip);
      this.starting.delete(e.object.metadata.uid!);
      this.completing.delete(e.object.metadata.uid!);
      return;
    }
    this.consider(e.object);
  }

  private consider(pod: KObject): void {
    const uid = pod.metadata.uid!;
    if (pod.status?.phase === "Running" && !isTerminating(pod) && pendingEphemeralContainers(pod).length) {
      const k = `ephemeral|${pod.metadata.namespace}/${pod.metadata.name}|${uid}`;
      if (!this.starting.has(k)) {
        this.starting.add(k);
        this.m.after(1000, () => {
          this.starting.delete(k);
          this.m.enqueue(this, k);
        });
      }
    }
    if (pod.spec?.nodeName && pod.status?.phase === "Pending" && !isTerminating(pod) && !this.starting.has(uid)) {
      this.starting.add(uid);
      const delay = 1000 + (fnv32a(pod.metadata.name) % 1000);
      const k = `start|${pod.metadata.namespace}/${pod.metadata.name}|${uid}`;
      this.m.after(delay, () => this.m.enqueue(this, k));
    }
  }

  sync(k: string): void {
    const [what, nsName, uid] = k.split("|");
    const [ns, name] = nsName.split("/");
    const pod = this.m.store.get("pods", ns, name);
    if (!pod || pod.metadata.uid !== uid || isTerminating(pod)) return;
    if (what === "start") this.start(pod);
    else if (what === "ephemeral") startEphemeralContainers(this.m.world, this.m.cluster, pod);
    else if (what === "complete") this.complete(pod);
  }

  private start(pod: KObject): void {
    if (pod.status?.phase !== "Pending" || !pod.spec?.nodeName) return;
    const { world, cluster } = this.m;
    const nodeName = pod.spec.nodeName as string;
    const node = this.m.store.get("nodes", undefined, nodeName);
    const hostIP = nodeInternalIP(node);
    const podIP = pod.spec.hostNetwork ? hostIP : this.allocateIP(node, nodeName);
    const next = structuredClone(pod);
    next.status = runningStatus(pod, hostIP, podIP, world.clock.isoNow());
    delete next.metadata.resourceVersion;
    const source = { component: "kubelet", host: nodeName };
    for (const c of (pod.spec.containers ?? []) as { name: string; image: string; imagePullPolicy?: string }[]) {
      const ref = {
        kind: "Pod",
        namespace: pod.metadata.namespace,
        name: pod.metadata.name,
        uid: pod.metadata.uid,
        apiVersion: "v1",
        fieldPath: `spec.containers{${c.name}}`,
      };
      if (c.imagePullPolicy === "Always") {
        recordEvent(world, cluster, ref, "Normal", "Pulling", `Pulling image "${c.image}"`, source);
        const ms = 400 + (fnv32a(c.image) % 1600);
        recordEvent(
          world,
          cluster,
          ref,
          "Normal",
          "Pulled",
          `Successfully pulled image "${c.image}" in ${ms}ms (${ms}ms including waiting). Image size: ${10_000_000 + (fnv32a(c.image) % 90_000_000)} bytes.`,
          source,
        );
      } else {
        recordEvent(world, cluster, ref, "Normal", "Pulled", `Container image "${c.image}" already present on machine`, source);
      }
      recordEvent(world, cluster, ref, "Normal", "Created", `Created container: ${c.name}`, source);
      recordEvent(world, cluster, ref, "Normal", "Started", `Started container ${c.name}`, source);
    }
    const running = this.m.store.update("pods", next);
    if (isNcProbePod(running)) {
      startNcProbe(world, cluster, running);
      return;
    }
    if (controllerOf(running)?.kind === "Job") {
      this.completing.add(running.metadata.uid!);
      this.m.after(3000, () => this.m.enqueue(this, `complete|${running.metadata.namespace}/${running.metadata.name}|${running.metadata.uid}`));
    }
  }

  /** Job pods in the simulator do their work in a few seconds and exit 0. */
  private complete(pod: KObject): void {
    if (pod.status?.phase !== "Running") return;
    const now = this.m.world.clock.isoNow();
    const next = structuredClone(pod);
    next.status.phase = "Succeeded";
    next.status.conditions = (next.status.conditions as { type: string; status: string; reason?: string }[]).map((c) =>
      c.type === "Ready" || c.type === "ContainersReady" ? { ...c, status: "False", reason: "PodCompleted", lastTransitionTime: now } : c,
    );
    for (const cs of next.status.containerStatuses ?? []) {
      const startedAt = cs.state?.running?.startedAt ?? now;
      cs.state = { terminated: { exitCode: 0, reason: "Completed", startedAt, finishedAt: now, containerID: cs.containerID } };
      cs.ready = false;
      cs.started = false;
    }
    delete next.metadata.resourceVersion;
    this.m.store.update("pods", next);
  }

  private allocateIP(node: KObject | undefined, nodeName: string): string {
    let used = this.ipsByNode.get(nodeName);
    if (!used) {
      used = new Set();
      for (const p of this.m.store.scan("pods", { nodeName })) if (p.status?.podIP) used.add(p.status.podIP as string);
      this.ipsByNode.set(nodeName, used);
    }
    const cidr = (node?.spec?.podCIDR as string | undefined) ?? "10.4.0.0/24";
    const base = cidr.split("/")[0].split(".").map(Number);
    const size = 2 ** (32 - Number(cidr.split("/")[1] ?? 24));
    const start = (base[0] << 24) + (base[1] << 16) + (base[2] << 8) + base[3];
    // .0 is the network and .1 the bridge gateway on GKE nodes.
    for (let i = 2; i < size - 1; i++) {
      const n = start + i;
      const ip = `${(n >>> 24) & 255}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
      if (!used.has(ip)) {
        used.add(ip);
        return ip;
      }
    }
    return `${base[0]}.${base[1]}.${base[2]}.254`;
  }
}
