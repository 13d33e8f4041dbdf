import "server-only";
import { z } from "zod";
import { HttpError } from "@/lib/http/errors";
import { defineStep, type StepContext, type Warning } from "../types";
import { artifact, jsonArtifact, type Artifact } from "./support/artifacts";
import { podGone, readIncidentPod } from "./support/kube";
import { ensureToolbox, inToolbox, TOOLBOX_NEEDS, toolboxPlanParts, toolboxTarget } from "./support/toolbox";
import {
  attributeSockets,
  connectionSchema,
  describeConnection,
  environment,
  nulSplit,
  parseNetTable,
  processSchema,
  TOOLBOX_COMMAND,
  TRIAGE_SET,
  type Connection,
  type TriageProcess,
} from "./support/triage";

// Looks inside the suspect container without running anything from its image: an ephemeral
// busybox toolbox (digest-pinned) joins the container's PID namespace and reads the suspect's
// processes through /proc with cat, ls and readlink. Every output is stored as evidence with
// its SHA-256; the summary (processes, decoded sockets) is the record the wizard shows.

const params = z.object({
  /** The suspect container; default the incident's first. */
  container: z.string().trim().max(63).optional(),
  /** Environment variables are listed by name; values only when asked (they often hold secrets). */
  envValues: z.boolean().default(false),
});

type Data = { toolbox: string; image: string; target: string };

const storedSchema = z.object({ name: z.string(), sha256: z.string(), size: z.number(), source: z.string() });

const record = z.object({
  at: z.string(),
  toolbox: z.string(),
  image: z.string(),
  target: z.string(),
  envValues: z.boolean(),
  processes: z.array(processSchema),
  connections: z.array(connectionSchema),
  artifacts: z.array(storedSchema),
});
type RunRecord = z.output<typeof record>;

/** A transcript: each command as run and what it printed, as the stored evidence reads. */
class Transcript {
  private parts: string[] = [];
  add(command: string[], stdout: string, stderr = "", exitCode = 0): void {
    this.parts.push(
      `$ ${command.join(" ")}\n${stdout}${stdout && !stdout.endsWith("\n") ? "\n" : ""}${stderr ? `[stderr] ${stderr.trimEnd()}\n` : ""}${exitCode ? `[exit ${exitCode}]\n` : ""}`,
    );
  }
  note(line: string): void {
    this.parts.push(`# ${line}\n`);
  }
  text(): string {
    return this.parts.join("");
  }
}

/** Runs the fixed triage set (support/triage.ts) in the toolbox and parses what it prints. */
async function triage(ctx: StepContext<z.output<typeof params>>, toolbox: string) {
  const run = async (t: Transcript, command: string[]) => {
    const r = await inToolbox(ctx, toolbox, command);
    t.add(command, r.stdout, r.stderr, r.exitCode);
    return r;
  };
  const procT = new Transcript();
  const filesT = new Transcript();
  const envT = new Transcript();
  const netT = new Transcript();
  const mountT = new Transcript();
  const listing = await run(procT, ["ls", "/proc"]);
  if (listing.exitCode !== 0) throw new HttpError(502, `The toolbox could not list /proc: ${listing.stderr.trim() || `exit ${listing.exitCode}`}`);
  const pids = listing.stdout
    .split("\n")
    .filter((s) => /^\d+$/.test(s))
    .map(Number)
    .sort((a, b) => a - b);
  const processes: TriageProcess[] = [];
  for (const pid of pids) {
    const cmdline = nulSplit((await run(procT, ["cat", `/proc/${pid}/cmdline`])).stdout);
    // The toolbox's own sleep (and nothing it started) is not the suspect's.
    if (cmdline.join(" ") === TOOLBOX_COMMAND.join(" ")) continue;
    const link = async (t: Transcript, p: string) => {
      const r = await run(t, ["readlink", p]);
      return r.exitCode === 0 ? r.stdout.trim() : null;
    };
    const exe = await link(procT, `/proc/${pid}/exe`);
    const cwd = await link(procT, `/proc/${pid}/cwd`);
    const fdList = await run(filesT, ["ls", `/proc/${pid}/fd`]);
    const fds: TriageProcess["fds"] = [];
    for (const fd of fdList.stdout.split("\n").filter((s) => /^\d+$/.test(s))) {
      const target = await link(filesT, `/proc/${pid}/fd/${fd}`);
      if (target !== null) fds.push({ fd: Number(fd), target });
    }
    const environ = await inToolbox(ctx, toolbox, ["cat", `/proc/${pid}/environ`]);
    const env = environment(environ.stdout, ctx.params.envValues);
    envT.add(["cat", `/proc/${pid}/environ`], env.join("\n"), environ.stderr, environ.exitCode);
    processes.push({ pid, cmdline, exe, cwd, fds, envNames: environment(environ.stdout, false) });
  }
  if (!ctx.params.envValues) envT.note("values removed: names only (run again with values to store them)");
  const tables: [Connection["proto"], string][] = [
    ["tcp", "/proc/1/net/tcp"],
    ["tcp6", "/proc/1/net/tcp6"],
    ["udp", "/proc/1/net/udp"],
  ];
  let connections: Connection[] = [];
  for (const [proto, path] of tables) {
    const r = await run(netT, ["cat", path]);
    if (r.exitCode === 0) connections.push(...parseNetTable(r.stdout, proto));
  }
  connections = attributeSockets(connections, processes);
  netT.note("decoded:");
  for (const c of connections) netT.note(describeConnection(c));
  await run(mountT, ["cat", "/proc/1/mounts"]);
  return { processes, connections, transcripts: { processes: procT, "open-files": filesT, network: netT, mounts: mountT, environment: envT } };
}

function headline(processes: TriageProcess[], connections: Connection[]): string {
  const procs = processes.map((p) => `${p.pid} ${p.exe ?? p.cmdline[0] ?? "?"}`).join(", ");
  const out = connections.filter((c) => c.state === "ESTABLISHED" || c.state === "SYN_SENT").map(describeConnection);
  return `${processes.length} processes (${procs}); ${out.length ? `connections: ${out.join("; ")}` : "no established connections"}`;
}

export const debugContainer = defineStep<Data, RunRecord>()({
  id: "debug-container",
  stage: "evidence",
  title: "Triage the container from a toolbox",
  risk: "read-only",
  role: "analyst",
  summary:
    "Adds a digest-pinned busybox ephemeral container sharing the suspect container's processes and reads /proc: processes, executables, open files, sockets (decoded), mounts and environment names. Runs nothing from the app image; every output is stored with its SHA-256.",
  params,
  record,
  ui: {
    form: [
      { kind: "select", name: "container", label: "Suspect container", from: "containers" },
      {
        kind: "checkbox",
        name: "envValues",
        label: "Store environment values too",
        help: "Off: only the names of `/proc/<pid>/environ` are stored; values often hold secrets.",
      },
    ],
    panel: { kind: "artifacts", label: "Triage outputs" },
    releaseNote:
      "Not undoable: the toolbox ephemeral container (airlock-tb-<n>) stays in the pod spec until the pod is deleted; its outputs stay in the evidence store.",
  },
  needs: {
    kube: TOOLBOX_NEEDS,
  },

  async plan(ctx) {
    const t = ctx.incident.targets;
    const found = await toolboxTarget(ctx, "there are no processes to read.");
    if ("blocked" in found) return { changes: [], commands: [], warnings: [], blocked: found.blocked };
    const { target, image, existing, toolbox, exec } = found;
    const adding = toolboxPlanParts(t, found);
    const envCut = ctx.params.envValues ? "" : " | cut -d= -f1";
    const commands = [
      ...adding.commands,
      `for p in $(${exec} ls /proc | grep -E '^[0-9]+$'); do echo "== pid $p"; ${exec} cat /proc/$p/cmdline | tr '\\0' ' '; echo; ${exec} readlink /proc/$p/exe; ${exec} readlink /proc/$p/cwd; for f in $(${exec} ls /proc/$p/fd); do ${exec} readlink /proc/$p/fd/$f; done; ${exec} cat /proc/$p/environ | tr '\\0' '\\n'${envCut}; done`,
      `for f in tcp tcp6 udp; do ${exec} cat /proc/1/net/$f; done`,
      `${exec} cat /proc/1/mounts`,
    ];
    const warnings: Warning[] = [
      ...adding.warnings,
      ...(ctx.params.envValues
        ? [{ level: "caution" as const, code: "env-values", message: "Environment values will be stored as evidence: they may include secrets." }]
        : []),
    ];
    return {
      changes: [
        ...(existing
          ? [{ target: `Pod ${t.namespace}/${t.pod}`, action: "exec" as const, field: `ephemeralContainers.${toolbox}`, before: "running", after: "reused" }]
          : adding.changes),
        ...TRIAGE_SET.map((c) => ({ target: `Container ${target} (through /proc)`, action: "read" as const, field: c })),
      ],
      commands,
      warnings,
      data: { toolbox, image, target },
    };
  },

  async execute(ctx, plan) {
    const t = ctx.incident.targets;
    const pod = await readIncidentPod(ctx);
    if (!pod) throw new HttpError(404, podGone(ctx));
    const { toolbox, image, target } = plan.data;
    const box = await ensureToolbox(ctx, pod, target, toolbox, image);
    await ctx.progress(box.added ? `Toolbox ${box.name} added, targeting ${target}` : `Reusing toolbox ${box.name}`);
    const found = await triage(ctx, box.name);
    const at = new Date().toISOString();
    const stored: RunRecord["artifacts"] = [];
    const put = async (a: Artifact) => {
      if (ctx.artifacts) await ctx.artifacts.put(a);
      stored.push({ name: a.name, sha256: a.sha256, size: a.size, source: a.source });
      await ctx.progress(`Stored ${a.name} (${a.size} bytes)`, { artifact: a.name, sha256: a.sha256 });
    };
    const source = `/api/v1/namespaces/${t.namespace}/pods/${t.pod}/exec?container=${box.name}`;
    for (const [name, transcript] of Object.entries(found.transcripts))
      await put(artifact(`triage-${target}-${name}.txt`, "text/plain; charset=utf-8", transcript.text(), source));
    await put(
      jsonArtifact(`triage-${target}-summary.json`, { toolbox: box.name, image, target, processes: found.processes, connections: found.connections }, source),
    );
    return {
      outcome: "success",
      message: `Toolbox ${box.name} read ${target}: ${headline(found.processes, found.connections)}. ${stored.length} outputs stored with SHA-256.`,
      record: {
        at,
        toolbox: box.name,
        image,
        target,
        envValues: ctx.params.envValues,
        processes: found.processes,
        connections: found.connections,
        artifacts: stored,
      },
    };
  },

  async verify(ctx) {
    const prior = ctx.priorRecord();
    if (!prior?.artifacts.length) return { holds: false, message: "No triage outputs stored yet." };
    const pod = await readIncidentPod(ctx);
    const state = pod?.status?.ephemeralContainerStatuses?.find((s) => s.name === prior.toolbox)?.state;
    const where = !pod ? "the pod is gone" : state?.running ? `toolbox ${prior.toolbox} is still running` : `toolbox ${prior.toolbox} has stopped`;
    return { holds: true, message: `${prior.artifacts.length} triage outputs stored at ${prior.at} with SHA-256; ${where}.` };
  },
});
