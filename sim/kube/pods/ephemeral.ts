import type { World } from "../../world";
import type { SimCluster } from "../cluster";
import type { KObject } from "../types";
import { recordEvent } from "../events";
import { containerId, fullImageName, imageId } from "../controllers/kubelet";
import { evaluateNcProbe, parseNcProbe } from "../netpol/ncprobe";
import { appendOutput } from "./output";

// Ephemeral containers (pods/ephemeralcontainers, what `kubectl debug` adds): the kubelet
// starts each one about a second after it appears in the spec and reports it in
// status.ephemeralContainerStatuses. They share the pod's network namespace, so an `nc` run
// as (or exec'd in) one is judged as traffic from the pod itself, by the same NetworkPolicy
// engine as nc probe pods. An nc container ends when nc does; anything else keeps running.

interface EphemeralSpec {
  name: string;
  image: string;
  command?: string[];
  args?: string[];
}

const MIN_RUN_MS = 200;

/** Ephemeral containers of the spec that have no status yet. */
export function pendingEphemeralContainers(pod: KObject): EphemeralSpec[] {
  const known = new Set(((pod.status?.ephemeralContainerStatuses ?? []) as { name: string }[]).map((s) => s.name));
  return ((pod.spec?.ephemeralContainers ?? []) as EphemeralSpec[]).filter((c) => !known.has(c.name));
}

const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");

export function startEphemeralContainers(world: World, cluster: SimCluster, pod: KObject): void {
  if (pod.status?.phase !== "Running") return;
  const pending = pendingEphemeralContainers(pod);
  if (!pending.length) return;
  const now = world.clock.isoNow();
  const uid = pod.metadata.uid!;
  const next = structuredClone(pod);
  next.status.ephemeralContainerStatuses = [...(next.status.ephemeralContainerStatuses ?? [])];
  const source = { component: "kubelet", host: pod.spec.nodeName as string };
  for (const c of pending) {
    const ref = {
      kind: "Pod",
      namespace: pod.metadata.namespace,
      name: pod.metadata.name,
      uid,
      apiVersion: "v1",
      fieldPath: `spec.ephemeralContainers{${c.name}}`,
    };
    recordEvent(world, cluster, ref, "Normal", "Pulled", `Container image "${c.image}" already present on machine`, source);
    recordEvent(world, cluster, ref, "Normal", "Created", `Created container: ${c.name}`, source);
    recordEvent(world, cluster, ref, "Normal", "Started", `Started container ${c.name}`, source);
    next.status.ephemeralContainerStatuses.push({
      name: c.name,
      state: { running: { startedAt: now } },
      lastState: {},
      ready: false,
      restartCount: 0,
      image: fullImageName(c.image),
      imageID: imageId(c.image),
      containerID: containerId(uid, c.name),
    });
  }
  delete next.metadata.resourceVersion;
  const running = cluster.store.update("pods", next);
  const at = world.clock.now();
  for (const c of pending) {
    const probe = parseNcProbe(c);
    if (!probe) continue;
    const outcome = evaluateNcProbe(world, cluster, running, probe, at);
    cluster.stops.push(
      world.clock.after(Math.max(outcome.durationMs, MIN_RUN_MS), () => {
        const current = cluster.store.get("pods", running.metadata.namespace, running.metadata.name);
        if (!current || current.metadata.uid !== uid) return;
        const ended = at + outcome.durationMs;
        if (outcome.lines.length) appendOutput(cluster, running.metadata.namespace!, running.metadata.name, c.name, ended, outcome.lines.join("\n"));
        const done = structuredClone(current);
        const status = (done.status.ephemeralContainerStatuses ?? []).find((s: { name: string }) => s.name === c.name);
        if (!status?.state?.running) return;
        status.state = {
          terminated: {
            exitCode: outcome.exitCode,
            reason: outcome.exitCode === 0 ? "Completed" : "Error",
            startedAt: status.state.running.startedAt,
            finishedAt: iso(ended),
            containerID: status.containerID,
          },
        };
        delete done.metadata.resourceVersion;
        cluster.store.update("pods", done);
      }),
    );
  }
}
