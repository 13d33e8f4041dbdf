import "server-only";
import { PassThrough } from "node:stream";
import { Exec, type V1EphemeralContainer, type V1Pod, type V1SecurityContext, type V1Status } from "@kubernetes/client-node";
import { HttpError } from "@/lib/http/errors";
import { apis, kubeFailure, kubeMessage, patchOptions, PatchStrategy, sleep, withRetry, type KubeTarget } from "./kube";

// Ephemeral containers let a step run a tool inside a pod's namespaces (network, and with a
// target container its processes) without touching the pod's own containers. Kubernetes never
// removes one: it stays in the pod spec until the pod is deleted, so callers must say so in
// their plan and record the name they got back.

export type EphemeralSpec = {
  namespace: string;
  pod: string;
  /** Must be unique among the pod's containers, ephemeral ones included (they are never removed). */
  name: string;
  /** Pin by digest: the container joins a compromised pod, so its contents must be known exactly. */
  image: string;
  command: string[];
  /** Shares this container's process namespace (as `kubectl debug --target`). */
  targetContainerName?: string;
  /** E.g. CAP_SYS_PTRACE to read another user's /proc/<pid>/environ and root (as `kubectl debug --profile=general`). */
  securityContext?: V1SecurityContext;
};

export type EphemeralOptions = {
  /** How many times to read the pod while waiting for the kubelet to start the container. */
  tries?: number;
  everyMs?: number;
};

function ephemeralState(pod: V1Pod, name: string) {
  return pod.status?.ephemeralContainerStatuses?.find((s) => s.name === name)?.state;
}

/**
 * Adds an ephemeral container through `pods/ephemeralcontainers` (strategic merge, as `kubectl
 * debug` sends it) and waits until the kubelet reports it running. Resolves with its name;
 * throws an HttpError naming the API server's reason, or saying it never started.
 */
export async function addEphemeralContainer(target: KubeTarget, spec: EphemeralSpec, options: EphemeralOptions = {}): Promise<string> {
  const core = apis(target).core;
  const container: V1EphemeralContainer = {
    name: spec.name,
    image: spec.image,
    command: spec.command,
    imagePullPolicy: "IfNotPresent",
    stdin: false,
    tty: false,
    ...(spec.targetContainerName ? { targetContainerName: spec.targetContainerName } : {}),
    ...(spec.securityContext ? { securityContext: spec.securityContext } : {}),
  };
  try {
    await withRetry(() =>
      core.patchNamespacedPodEphemeralcontainers(
        { name: spec.pod, namespace: spec.namespace, body: { spec: { ephemeralContainers: [container] } } },
        patchOptions(PatchStrategy.StrategicMergePatch),
      ),
    );
  } catch (err) {
    throw kubeFailure(`Adding ephemeral container ${spec.name} to ${spec.namespace}/${spec.pod}`, err);
  }
  const tries = options.tries ?? 60;
  for (let i = 0; i < tries; i++) {
    const pod = await withRetry(() => core.readNamespacedPod({ name: spec.pod, namespace: spec.namespace }));
    const state = ephemeralState(pod, spec.name);
    if (state?.running) return spec.name;
    if (state?.terminated) {
      throw new HttpError(
        409,
        `Ephemeral container ${spec.name} in ${spec.namespace}/${spec.pod} ended before it could be used (exit ${state.terminated.exitCode}${state.terminated.reason ? `, ${state.terminated.reason}` : ""}).`,
      );
    }
    if (state?.waiting?.reason && /ErrImagePull|ImagePullBackOff|InvalidImageName|CreateContainerError/.test(state.waiting.reason)) {
      throw new HttpError(
        409,
        `Ephemeral container ${spec.name} cannot start: ${state.waiting.reason}${state.waiting.message ? ` (${state.waiting.message})` : ""}.`,
      );
    }
    await sleep(options.everyMs ?? 500);
  }
  throw new HttpError(504, `Ephemeral container ${spec.name} in ${spec.namespace}/${spec.pod} was added but did not start in time; it stays in the pod spec.`);
}

export type ExecSpec = { namespace: string; pod: string; container: string; command: string[] };
export type ExecResult = { stdout: string; stderr: string; exitCode: number };

/** The exit code the API server's closing Status carries: Success ⇒ 0, NonZeroExitCode ⇒ its cause. */
export function exitCodeOf(status: V1Status | null): number | null {
  if (!status) return null;
  if (status.status === "Success") return 0;
  const cause = status.details?.causes?.find((c) => c.reason === "ExitCode");
  const code = cause?.message !== undefined ? Number(cause.message) : NaN;
  return Number.isInteger(code) ? code : null;
}

/**
 * Runs a command in a container over the exec WebSocket and collects its output. A command
 * whose exit status never arrives (the stream closed without a Status) rejects: callers must
 * not read a missing status as success or failure.
 */
export async function execInContainer(target: KubeTarget, spec: ExecSpec): Promise<ExecResult> {
  const out = new PassThrough();
  const err = new PassThrough();
  const chunks = { stdout: [] as Buffer[], stderr: [] as Buffer[] };
  out.on("data", (c: Buffer) => chunks.stdout.push(c));
  err.on("data", (c: Buffer) => chunks.stderr.push(c));
  const where = `${spec.namespace}/${spec.pod}/${spec.container}`;
  return new Promise<ExecResult>((resolve, reject) => {
    let settled = false;
    let status: V1Status | null | undefined;
    const finish = () => {
      if (settled) return;
      settled = true;
      const exitCode = exitCodeOf(status ?? null);
      const result = { stdout: Buffer.concat(chunks.stdout).toString("utf8"), stderr: Buffer.concat(chunks.stderr).toString("utf8") };
      if (exitCode === null) {
        const why = status?.message ? `: ${status.message}` : " without an exit status";
        reject(new HttpError(502, `Exec in ${where} ended${why}`));
      } else {
        resolve({ ...result, exitCode });
      }
    };
    new Exec(apis(target).kc)
      .exec(spec.namespace, spec.pod, spec.container, spec.command, out, err, null, false, (s) => {
        status = s;
      })
      .then((ws) => {
        // Output frames are handed to the streams before the socket closes; let them drain first.
        ws.on("close", () => setImmediate(finish));
        ws.on("error", () => setImmediate(finish));
      })
      .catch((e) => {
        settled = true;
        reject(new HttpError(502, `Exec in ${where} failed: ${kubeMessage(e)}`));
      });
  });
}
