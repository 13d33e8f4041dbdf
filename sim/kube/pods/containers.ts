import { ApiError, badRequest, notFound } from "../errors";
import type { SimCluster } from "../cluster";
import type { KObject } from "../types";

// Which container a log or exec request means, answered with the API server's own messages so
// kubectl and the console print what they would print against a real cluster.

export function mustGetPod(cluster: SimCluster, namespace: string, name: string): KObject {
  const pod = cluster.store.get("pods", namespace, name);
  if (!pod) throw notFound({ kind: "Pod", name }, "pods");
  return pod;
}

function containerNames(pod: KObject): string[] {
  return ((pod.spec?.containers ?? []) as { name: string }[]).map((c) => c.name);
}

function initContainerNames(pod: KObject): string[] {
  return ((pod.spec?.initContainers ?? []) as { name: string }[]).map((c) => c.name);
}

function ephemeralContainerNames(pod: KObject): string[] {
  return ((pod.spec?.ephemeralContainers ?? []) as { name: string }[]).map((c) => c.name);
}

/** The container named by the request, or the only one; several without a name is a 400. */
export function resolveContainer(pod: KObject, requested: string | null | undefined): string {
  const names = containerNames(pod);
  const inits = initContainerNames(pod);
  const ephemeral = ephemeralContainerNames(pod);
  if (!requested) {
    if (names.length === 1) return names[0];
    let message = `a container name must be specified for pod ${pod.metadata.name}, choose one of: [${names.join(" ")}]`;
    if (inits.length) message += ` or one of the init containers: [${inits.join(" ")}]`;
    if (ephemeral.length) message += ` or one of the ephemeral containers: [${ephemeral.join(" ")}]`;
    throw badRequest(message);
  }
  if (!names.includes(requested) && !inits.includes(requested) && !ephemeral.includes(requested)) {
    throw badRequest(`container ${requested} is not valid for pod ${pod.metadata.name}`);
  }
  return requested;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type ContainerStatus = Record<string, any>;

export function containerStatus(pod: KObject, container: string): ContainerStatus | undefined {
  const all = [
    ...(pod.status?.containerStatuses ?? []),
    ...(pod.status?.initContainerStatuses ?? []),
    ...(pod.status?.ephemeralContainerStatuses ?? []),
  ] as ContainerStatus[];
  return all.find((s) => s.name === container);
}

export function containerSpec(pod: KObject, container: string): Record<string, unknown> | undefined {
  return [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? []), ...(pod.spec?.ephemeralContainers ?? [])].find(
    (c: { name: string }) => c.name === container,
  );
}

/** The kubelet's answer for a container that has not started (or not yet been created). */
export function waitingError(pod: KObject, container: string): ApiError {
  const reason = containerStatus(pod, container)?.state?.waiting?.reason ?? "ContainerCreating";
  return badRequest(`container "${container}" in pod "${pod.metadata.name}" is waiting to start: ${reason}`);
}
