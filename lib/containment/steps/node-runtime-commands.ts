import "server-only";
import { z } from "zod";
import type { V1Pod } from "@kubernetes/client-node";
import { defineStep, type Change, type StepContext, type Warning } from "../types";
import { gcloud, sh, shq } from "./support/commands";
import { EVIDENCE_LOSS } from "./support/eradicate";
import { apis, podGone, readIncidentPod, readOrNull } from "./support/kube";

// ERRATA 8: Kubernetes cannot pause a container, and the node-level docker/crictl commands need
// SSH to the node. Airlock shows them, with the pod's real container IDs, and runs nothing.

type Runtime = "containerd" | "docker" | "unknown";

export function runtimeOf(version: string | undefined): Runtime {
  if (version?.startsWith("containerd://")) return "containerd";
  if (version?.startsWith("docker://")) return "docker";
  return "unknown";
}

function containerIds(pod: V1Pod): { name: string; id: string }[] {
  return (pod.status?.containerStatuses ?? []).filter((c) => c.containerID).map((c) => ({ name: c.name, id: c.containerID!.replace(/^[a-z]+:\/\//, "") }));
}

export function runtimeCommands(runtime: Runtime, ids: { name: string; id: string }[]): string[] {
  const out: string[] = [];
  for (const { name, id } of ids) {
    if (runtime === "docker") {
      out.push(
        `# ${shq(name)}: inspect first (evidence), then stop`,
        sh("sudo", "docker", "inspect", id),
        `${sh("sudo", "docker", "stop", id)}  # SIGTERM, SIGKILL after 10 s`,
        `${sh("sudo", "docker", "kill", id)}  # SIGKILL at once`,
        `${sh("sudo", "docker", "rm", "-f", id)}  # stop and remove: destroys the container's storage`,
      );
    } else {
      out.push(
        `# ${shq(name)}: inspect first (evidence), then stop`,
        sh("sudo", "crictl", "inspect", id),
        sh("sudo", "crictl", "stop", id),
        `${sh("sudo", "crictl", "rm", "-f", id)}  # removes the read-write layer`,
      );
    }
  }
  return out;
}

async function facts(ctx: StepContext) {
  const t = ctx.incident.targets;
  const pod = await readIncidentPod(ctx);
  if (!pod) return null;
  const node = t.node ? await readOrNull(() => apis(ctx).core.readNode({ name: t.node! })) : null;
  const version = node?.status?.nodeInfo?.containerRuntimeVersion;
  const runtime = runtimeOf(version);
  const ssh = t.instance
    ? gcloud(["compute", "ssh", t.instance.name], [["--zone", t.instance.zone]], t.instance.project)
    : `# ssh to node ${shq(t.node ?? "(unknown)")}`;
  return { runtime, version, ids: containerIds(pod), commands: [ssh, ...runtimeCommands(runtime, containerIds(pod))] };
}

type Data = { runtime: string; containers: { name: string; id: string }[] };

const record = z.object({ runtime: z.string(), containers: z.array(z.object({ name: z.string(), id: z.string() })), commands: z.array(z.string()) });
type RunRecord = z.output<typeof record>;

export const nodeRuntimeCommands = defineStep<Data, RunRecord>()({
  id: "node-runtime-commands",
  stage: "eradicate",
  title: "Node runtime commands (run over SSH)",
  risk: "read-only",
  role: "analyst",
  summary:
    "Shows the crictl (containerd) or docker commands, with this pod's container IDs, to stop its containers from the node over SSH. Airlock runs nothing.",
  record,
  needs: {
    kube: [
      { verb: "get", resource: "pods" },
      { verb: "get", resource: "nodes" },
    ],
  },

  async plan(ctx) {
    const f = await facts(ctx);
    if (!f) return { changes: [], commands: [], warnings: [], blocked: podGone(ctx) };
    const warnings: Warning[] = [
      {
        level: "info",
        code: "no-pause",
        message: "Containers cannot be paused in Kubernetes (there is no docker pause equivalent): the choices are to isolate them or to stop them.",
      },
      {
        level: "info",
        code: "ssh",
        message:
          "These commands run on the node over SSH; Airlock does not run them. If the node is firewall-isolated, SSH works only from the investigator's allowed range.",
      },
      EVIDENCE_LOSS,
    ];
    if (f.runtime === "unknown") {
      warnings.push({
        level: "caution",
        code: "runtime-unknown",
        message: `Unknown container runtime (${f.version ?? "not reported"}); the crictl commands are shown.`,
      });
    }
    return {
      changes: f.ids.map((c): Change => ({ target: `Container ${c.name}`, action: "read", note: `${f.runtime} id ${c.id}` })),
      commands: f.commands,
      warnings,
      noop: ctx.priorRecord() ? true : undefined,
      data: { runtime: f.runtime, containers: f.ids },
    };
  },

  async execute(ctx) {
    const f = await facts(ctx);
    if (!f) return { outcome: "noop", message: podGone(ctx) };
    const prior = ctx.priorRecord();
    return {
      outcome: prior ? "noop" : "success",
      message: prior
        ? "The node commands were already handed over; Airlock ran nothing."
        : `Commands for ${f.runtime} handed over; Airlock ran nothing on the node.`,
      record: { runtime: f.runtime, containers: f.ids, commands: f.commands },
    };
  },

  async verify(ctx) {
    const f = await facts(ctx);
    if (!f) return { holds: true, message: `${podGone(ctx)} Nothing left to stop.` };
    return {
      holds: true,
      message: `Runtime ${f.runtime}; containers ${f.ids.map((c) => `${c.name}=${c.id.slice(0, 12)}`).join(", ") || "none running"}. Airlock cannot see what was run over SSH.`,
    };
  },
});
