import type { World } from "../../world";
import type { SimCluster } from "../cluster";
import type { KObject } from "../types";
import { containerSpec, type ContainerStatus } from "./containers";
import { rotateOutput } from "./output";
import { podEvent, scenarioLogRestarted } from "./peers";

// What the kubelet does when a container's PID 1 dies: record the run as lastState, and
// (restartPolicy permitting) start the container again with a new ID and restartCount+1.

export interface RestartResult {
  pod: KObject;
  restarted: boolean;
}

export function terminateContainerProcess(
  world: World,
  cluster: SimCluster,
  namespace: string,
  name: string,
  container: string,
  exitCode: number,
): RestartResult {
  const current = cluster.store.mustGet("pods", namespace, name);
  const pod = structuredClone(current) as KObject;
  const statuses = (pod.status?.containerStatuses ?? []) as ContainerStatus[];
  const status = statuses.find((s) => s.name === container);
  if (!status?.state?.running) return { pod: current, restarted: false };

  const now = world.clock.isoNow();
  const policy = (pod.spec?.restartPolicy as string | undefined) ?? "Always";
  const restart = policy === "Always" || (policy === "OnFailure" && exitCode !== 0);
  const terminated = {
    exitCode,
    reason: exitCode === 0 ? "Completed" : "Error",
    startedAt: status.state.running.startedAt,
    finishedAt: now,
    containerID: status.containerID,
  };
  if (restart) {
    status.lastState = { terminated };
    status.restartCount = (status.restartCount ?? 0) + 1;
    status.containerID = `containerd://${world.random.hex(64)}`;
    status.state = { running: { startedAt: now } };
    status.ready = true;
    status.started = true;
  } else {
    status.state = { terminated };
    status.ready = false;
    status.started = false;
    const allDone = statuses.every((s) => s.state?.terminated);
    if (allDone) {
      const failed = statuses.some((s) => s.state.terminated.exitCode !== 0);
      pod.status.phase = failed ? "Failed" : "Succeeded";
    }
    for (const c of (pod.status.conditions ?? []) as { type: string; status: string; lastTransitionTime?: string; reason?: string }[]) {
      if (c.type === "Ready" || c.type === "ContainersReady") {
        c.status = "False";
        c.lastTransitionTime = now;
        c.reason = "PodCompleted";
      }
    }
  }
  const updated = cluster.store.update("pods", pod);
  rotateOutput(cluster, namespace, name, container);
  if (restart) scenarioLogRestarted(cluster, namespace, name, container, Date.parse(now));

  if (restart) {
    const image = (containerSpec(updated, container)?.image as string | undefined) ?? status.image;
    podEvent(world, cluster, updated, container, "Normal", "Pulled", `Container image "${image}" already present on machine`);
    podEvent(world, cluster, updated, container, "Normal", "Created", `Created container: ${container}`);
    podEvent(world, cluster, updated, container, "Normal", "Started", `Started container ${container}`);
  }
  return { pod: updated, restarted: restart };
}
