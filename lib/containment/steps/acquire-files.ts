import "server-only";
import { Transform } from "node:stream";
import { z } from "zod";
import { HttpError } from "@/lib/http/errors";
import { defineStep, type StepContext, type Warning } from "../types";
import { shq } from "./support/commands";
import { execToStream } from "./support/exec-stream";
import { apis, podGone, readIncidentPod, readOrNull, withRetry } from "./support/kube";
import { ensureToolbox, inToolbox, TOOLBOX_NEEDS, toolboxPlanParts, toolboxTarget } from "./support/toolbox";

// Copies files out of the suspect container's filesystem without tar or a shell in its image:
// the toolbox (an ephemeral container in the suspect's PID namespace) reads each through
// /proc/1/root/<path>, the suspect's own root, and the bytes stream into the evidence store,
// hashed as they pass (never held whole), within a per-file and a per-run size limit.

const MiB = 1024 * 1024;
const MAX_PATHS = 20;
// Where an intruder drops files; the service-account token is left out on purpose (a live secret).
const SUGGESTED = /(?:^|[\s"'=(>:])((?:\/tmp|\/var\/tmp|\/dev\/shm|\/root|\/home)\/[A-Za-z0-9._\-/]+)/g;

const pathList = z
  .string()
  .max(8000)
  .default("")
  .transform((text) => [...new Set(text.split(/[\s,]+/).filter(Boolean))])
  .refine((paths) => paths.length <= MAX_PATHS, `at most ${MAX_PATHS} paths`)
  .refine(
    (paths) => paths.every((p) => p.startsWith("/") && p.length <= 1024 && !p.split("/").includes("..") && !/[\0\n]/.test(p)),
    "each path must be absolute, without `..`",
  );

const mib = (max: number, fallback: number) =>
  z.preprocess((v) => (v === "" ? undefined : v), z.coerce.number().int().min(1, "at least 1 MiB").max(max, `at most ${max} MiB`).optional().default(fallback));

const params = z.object({
  /** Absolute paths in the suspect container, space or comma separated; empty: the paths the evidence names. */
  paths: pathList,
  container: z.string().trim().max(63).optional(),
  maxFileMiB: mib(1024, 64),
  maxRunMiB: mib(4096, 256),
});
type Params = z.output<typeof params>;

type Data = { toolbox: string; image: string; target: string; paths: string[] };

const fileSchema = z.object({
  path: z.string(),
  status: z.enum(["stored", "skipped", "missing", "failed"]),
  sha256: z.string().optional(),
  size: z.number().optional(),
  reason: z.string().optional(),
});
const record = z.object({
  at: z.string(),
  toolbox: z.string(),
  target: z.string(),
  maxFileBytes: z.number(),
  maxRunBytes: z.number(),
  files: z.array(fileSchema),
});
type RunRecord = z.output<typeof record>;
type FileResult = z.output<typeof fileSchema>;

/** Paths an intruder's files sit at, as the pod's events and the container's log name them. */
async function evidencePaths(ctx: StepContext<Params>, target: string): Promise<string[]> {
  const t = ctx.incident.targets;
  const a = apis(ctx);
  const [events, log] = await Promise.all([
    withRetry(() => a.core.listNamespacedEvent({ namespace: t.namespace, fieldSelector: `involvedObject.uid=${t.podUid}` })),
    readOrNull(() => a.core.readNamespacedPodLog({ name: t.pod, namespace: t.namespace, container: target, limitBytes: MiB })),
  ]);
  const text = [...events.items.map((e) => e.message ?? ""), String(log ?? "")].join("\n");
  const found = new Set<string>();
  for (const m of text.matchAll(SUGGESTED)) found.add(m[1].replace(/[.:,;]+$/, ""));
  return [...found].slice(0, MAX_PATHS);
}

/** A pass-through that fails once more than `max` bytes went through it. */
function limit(max: number, path: string): Transform {
  let seen = 0;
  return new Transform({
    transform(chunk: Buffer, _enc, done) {
      seen += chunk.length;
      if (seen > max) done(new HttpError(413, `${path} grew past its limit of ${max} bytes while being copied`));
      else done(null, chunk);
    },
  });
}

async function acquire(ctx: StepContext<Params>, toolbox: string, path: string, budget: { file: number; run: number }): Promise<FileResult> {
  const t = ctx.incident.targets;
  const inRoot = `/proc/1/root${path}`;
  const stat = await inToolbox(ctx, toolbox, ["stat", "-L", "-c", "%s %F", inRoot]);
  if (stat.exitCode !== 0) return { path, status: "missing", reason: stat.stderr.trim().replace(inRoot, path) || `stat exited ${stat.exitCode}` };
  const [sizeText, ...kind] = stat.stdout.trim().split(" ");
  const size = Number(sizeText);
  if (kind.join(" ") !== "regular file") return { path, status: "skipped", reason: `not a regular file (${kind.join(" ")})` };
  if (size > budget.file) return { path, status: "skipped", size, reason: `${size} bytes is over the per-file limit of ${budget.file}` };
  if (size > budget.run) return { path, status: "skipped", size, reason: `${size} bytes is over what is left of the per-run limit (${budget.run})` };
  const sink = ctx.artifacts;
  if (!sink?.putStream) throw new HttpError(500, "No evidence store to stream the files into.");
  const body = limit(Math.min(budget.file, budget.run), path);
  const name = `file-${t.pod}${path.replaceAll("/", "_")}`;
  const source = `/api/v1/namespaces/${t.namespace}/pods/${t.pod}/exec?container=${toolbox}&command=cat&command=${encodeURIComponent(inRoot)}`;
  const storing = sink.putStream({ name, contentType: "application/octet-stream", source, at: new Date().toISOString() }, body);
  try {
    const ran = await execToStream(ctx, { namespace: t.namespace, pod: t.pod, container: toolbox, command: ["cat", inRoot] }, body);
    if (ran.exitCode !== 0) body.destroy(new HttpError(502, ran.stderr.trim().replace(inRoot, path) || `cat exited ${ran.exitCode}`));
    else body.end();
  } catch (err) {
    body.destroy(err instanceof Error ? err : new Error(String(err)));
  }
  try {
    const stored = await storing;
    await ctx.progress(`Stored ${path} (${stored.size} bytes, SHA-256 ${stored.sha256})`, { artifact: name, sha256: stored.sha256 });
    return { path, status: "stored", sha256: stored.sha256, size: stored.size };
  } catch (err) {
    return { path, status: "failed", reason: err instanceof HttpError ? err.message : "the copy failed" };
  }
}

export const acquireFiles = defineStep<Data, RunRecord>()({
  id: "acquire-files",
  stage: "evidence",
  title: "Copy files out of the container",
  risk: "read-only",
  role: "analyst",
  summary:
    "Copies chosen files out of the suspect container through /proc/1/root from the toolbox (no tar or shell needed in the image), streamed into the evidence store with SHA-256 and size, within per-file and per-run limits.",
  params,
  record,
  ui: {
    form: [
      {
        kind: "text",
        name: "paths",
        label: "Paths",
        monospace: true,
        placeholder: "/tmp/.X11-unix/kworkerd /tmp/.t",
        help: "Absolute paths in the container, space or comma separated. Empty: the paths the pod's events and logs name under `/tmp`, `/var/tmp`, `/dev/shm`, `/root`, `/home`.",
      },
      { kind: "select", name: "container", label: "Suspect container", from: "containers" },
      { kind: "text", name: "maxFileMiB", label: "Per-file limit (MiB)", placeholder: "64", help: "At most 1024." },
      { kind: "text", name: "maxRunMiB", label: "Per-run limit (MiB)", placeholder: "256", help: "At most 4096." },
    ],
    panel: { kind: "artifacts", label: "Copied files" },
    releaseNote: "Not undoable: the toolbox ephemeral container stays in the pod spec until the pod is deleted; the copied files stay in the evidence store.",
  },
  needs: {
    kube: [...TOOLBOX_NEEDS, { verb: "get", resource: "pods", subresource: "log" }, { verb: "list", resource: "events" }],
  },

  async plan(ctx) {
    const t = ctx.incident.targets;
    const found = await toolboxTarget(ctx, "its filesystem cannot be reached through /proc.");
    if ("blocked" in found) return { changes: [], commands: [], warnings: [], blocked: found.blocked };
    const { target, image, toolbox, exec } = found;
    const adding = toolboxPlanParts(t, found);
    const suggested = ctx.params.paths.length ? [] : await evidencePaths(ctx, target);
    const paths = ctx.params.paths.length ? ctx.params.paths : suggested;
    if (!paths.length)
      return {
        changes: [],
        commands: [],
        warnings: [],
        blocked: "No paths given, and the pod's events and logs name none under /tmp, /var/tmp, /dev/shm, /root or /home.",
      };
    const warnings: Warning[] = [
      ...adding.warnings,
      ...(suggested.length
        ? [
            {
              level: "info" as const,
              code: "paths-from-evidence",
              message: `No paths given: copying the ones the pod's events and logs name (${suggested.join(", ")}).`,
            },
          ]
        : []),
    ];
    return {
      changes: [
        ...adding.changes,
        ...paths.map((p) => ({ target: `Container ${target}`, action: "read" as const, field: p, after: `evidence (≤ ${ctx.params.maxFileMiB} MiB)` })),
      ],
      commands: [
        ...adding.commands,
        ...paths.map((p) => {
          const local = shq(p.split("/").pop()!.replace(/^\.+/, "") || "file");
          return `${exec} cat ${shq(`/proc/1/root${p}`)} > ${local} && sha256sum ${local}`;
        }),
      ],
      warnings,
      data: { toolbox, image, target, paths },
    };
  },

  async execute(ctx, plan) {
    const pod = await readIncidentPod(ctx);
    if (!pod) throw new HttpError(404, podGone(ctx));
    const { toolbox, image, target, paths } = plan.data;
    const box = await ensureToolbox(ctx, pod, target, toolbox, image);
    const maxFileBytes = ctx.params.maxFileMiB * MiB;
    const maxRunBytes = ctx.params.maxRunMiB * MiB;
    let left = maxRunBytes;
    const files: FileResult[] = [];
    for (const path of paths) {
      const r = await acquire(ctx, box.name, path, { file: maxFileBytes, run: left });
      if (r.status === "stored") left -= r.size ?? 0;
      files.push(r);
    }
    const stored = files.filter((f) => f.status === "stored");
    const other = files.filter((f) => f.status !== "stored").map((f) => `${f.path}: ${f.status}${f.reason ? ` (${f.reason})` : ""}`);
    if (!stored.length) throw new HttpError(409, `No file copied: ${other.join("; ")}`);
    return {
      outcome: "success",
      message: `Copied ${stored.map((f) => `${f.path} (${f.size} bytes, SHA-256 ${f.sha256})`).join(", ")} into the evidence store${other.length ? `; not copied: ${other.join("; ")}` : ""}.`,
      record: { at: new Date().toISOString(), toolbox: box.name, target, maxFileBytes, maxRunBytes, files },
    };
  },

  async verify(ctx) {
    const prior = ctx.priorRecord();
    const stored = prior?.files.filter((f) => f.status === "stored") ?? [];
    if (!prior || !stored.length) return { holds: false, message: "No file copied yet." };
    return { holds: true, message: `${stored.length} of ${prior.files.length} files stored at ${prior.at} with SHA-256 and size.` };
  },
});
