import "server-only";
import type { V1Pod } from "@kubernetes/client-node";
import { config } from "@/lib/config";
import type { Change, IncidentTargets, StepContext, StepNeeds, Warning } from "../../types";
import { kubectl } from "./commands";
import { addEphemeralContainer, execInContainer, type ExecResult } from "./ephemeral";
import { podGone, readIncidentPod } from "./kube";
import { TOOLBOX_COMMAND } from "./triage";

// The live-response toolbox: one ephemeral container per suspect container, named
// airlock-tb-<n>, shared by debug-container and acquire-files. Kubernetes never removes an
// ephemeral container, so a running one is reused rather than adding another.

export const TOOLBOX_PREFIX = "airlock-tb-";

/** What a live-response step needs to read the pod, add the toolbox and exec in it. */
export const TOOLBOX_NEEDS: NonNullable<StepNeeds["kube"]> = [
  { verb: "get", resource: "pods" },
  { verb: "patch", resource: "pods", subresource: "ephemeralcontainers" },
  { verb: "create", resource: "pods", subresource: "exec" },
  { verb: "get", resource: "pods", subresource: "exec" },
];

/** A running toolbox in the pod that targets `target`, if any. */
export function runningToolbox(pod: V1Pod, target: string): string | null {
  const running = new Set((pod.status?.ephemeralContainerStatuses ?? []).filter((s) => s.state?.running).map((s) => s.name));
  const found = (pod.spec?.ephemeralContainers ?? []).find((c) => c.name.startsWith(TOOLBOX_PREFIX) && c.targetContainerName === target && running.has(c.name));
  return found?.name ?? null;
}

/** The name a new toolbox gets: the next free airlock-tb-<n> (ephemeral names are never reused). */
export function nextToolboxName(pod: V1Pod): string {
  const taken = new Set([...(pod.spec?.containers ?? []), ...(pod.spec?.ephemeralContainers ?? [])].map((c) => c.name));
  let n = 1;
  while (taken.has(`${TOOLBOX_PREFIX}${n}`)) n++;
  return `${TOOLBOX_PREFIX}${n}`;
}

/** The suspect container: the param, else the incident's first container. */
export function suspectContainer(ctx: StepContext<{ container?: string }>): string | null {
  return ctx.params.container || ctx.incident.targets.containers[0] || null;
}

/** What a live-response plan works on: the pod, its running suspect container, the toolbox to use and how to exec in it. */
export type ToolboxTarget = { pod: V1Pod; target: string; image: string; existing: string | null; toolbox: string; exec: string };

/**
 * The checks both live-response plans start with (the pod is there, the suspect container is one
 * of its containers and running), then the toolbox to reuse or add.
 * `blocked` says why the plan cannot go on; `notRunning` ends the sentence for a stopped container.
 */
export async function toolboxTarget(ctx: StepContext<{ container?: string }>, notRunning: string): Promise<ToolboxTarget | { blocked: string }> {
  const t = ctx.incident.targets;
  const target = suspectContainer(ctx);
  const pod = await readIncidentPod(ctx);
  if (!pod) return { blocked: podGone(ctx) };
  if (!target || !(pod.spec?.containers ?? []).some((c) => c.name === target)) return { blocked: `Pod ${t.pod} has no container ${target ?? "(none named)"}.` };
  if (!(pod.status?.containerStatuses ?? []).find((s) => s.name === target)?.state?.running)
    return { blocked: `Container ${target} is not running: ${notRunning}` };
  const existing = runningToolbox(pod, target);
  const toolbox = existing ?? nextToolboxName(pod);
  return { pod, target, image: config().toolboxImage, existing, toolbox, exec: kubectl(t, t.namespace, "exec", t.pod, "-c", toolbox, "--") };
}

/**
 * The toolbox as added: CAP_SYS_PTRACE, as `kubectl debug --profile=general` gives, because the
 * kernel lets a process read another user's /proc/<pid>/environ, fd and root only with it.
 */
export function toolboxContainer(name: string, image: string, target: string) {
  return { name, image, targetContainerName: target, command: TOOLBOX_COMMAND, securityContext: { capabilities: { add: ["SYS_PTRACE"] } } };
}

/** The `kubectl debug` that adds the same toolbox. */
export function toolboxDebugCommand(t: IncidentTargets, name: string, image: string, target: string): string {
  return kubectl(
    t,
    t.namespace,
    "debug",
    t.pod,
    `--image=${image}`,
    `--target=${target}`,
    `--container=${name}`,
    "--profile=general",
    "--attach=false",
    "--",
    ...TOOLBOX_COMMAND,
  );
}

export const PTRACE_WARNING: Warning = {
  level: "info",
  code: "toolbox-ptrace",
  message:
    "The toolbox gets CAP_SYS_PTRACE (as kubectl debug --profile=general) to read the suspect's /proc entries whatever user it runs as. A namespace enforcing Pod Security baseline or restricted refuses it: the run then fails with the API server's reason.",
};

/** Reuses a running toolbox for `target` or adds `name` (from the reviewed plan). */
export async function ensureToolbox(ctx: StepContext, pod: V1Pod, target: string, name: string, image: string): Promise<{ name: string; added: boolean }> {
  const existing = runningToolbox(pod, target);
  if (existing) return { name: existing, added: false };
  const t = ctx.incident.targets;
  await addEphemeralContainer(ctx, { namespace: t.namespace, pod: t.pod, ...toolboxContainer(name, image, target) });
  return { name, added: true };
}

/** One exec in the toolbox. */
export function inToolbox(ctx: StepContext, toolbox: string, command: string[]): Promise<ExecResult> {
  const t = ctx.incident.targets;
  return execInContainer(ctx, { namespace: t.namespace, pod: t.pod, container: toolbox, command });
}

export const TOOLBOX_STAYS =
  "An ephemeral container cannot be removed: the toolbox stays in the pod spec (stopped when its sleep ends) until the pod is deleted. It shares the suspect container's process namespace and the pod's network.";

/** The plan parts for adding the toolbox (none when a running one is reused): the spec change, its `kubectl debug` and the warnings. */
export function toolboxPlanParts(t: IncidentTargets, found: ToolboxTarget): { changes: Change[]; commands: string[]; warnings: Warning[] } {
  const { existing, toolbox, image, target } = found;
  if (existing) return { changes: [], commands: [], warnings: [] };
  return {
    changes: [
      {
        target: `Pod ${t.namespace}/${t.pod}`,
        action: "patch",
        field: "spec.ephemeralContainers",
        before: null,
        after: toolboxContainer(toolbox, image, target),
      },
    ],
    commands: [toolboxDebugCommand(t, toolbox, image, target)],
    warnings: [{ level: "caution", code: "ephemeral-stays", message: TOOLBOX_STAYS }, PTRACE_WARNING],
  };
}
