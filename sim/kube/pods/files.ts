import type { World } from "../../world";
import type { SimCluster } from "../cluster";
import type { KObject } from "../types";
import type { ExecCommand } from "./command";
import { resolvePath, walk, type Resolved } from "./procfs";
import { tarStream } from "./tar";

// The file tools of an exec (cat, readlink, ls, stat -c, tar cf -) over the container's view
// from procfs.ts, answering as busybox does: output on stdout, its error wording on stderr and
// exit 1 for a missing file. A path in a container whose files no scenario declares is "not
// simulated" (exit 126), not absent: the simulator does not pretend to know an image.

const FILE_KINDS = ["cat", "readlink", "ls", "stat", "tar"] as const;

export type FileCommand = Extract<ExecCommand, { kind: (typeof FILE_KINDS)[number] }>;

export function isFileCommand(command: ExecCommand): command is FileCommand {
  return (FILE_KINDS as readonly string[]).includes(command.kind);
}

export interface Output {
  stdout(data: Buffer | string): void;
  stderr(data: string): void;
}

/** Frames of at most this size: a large file leaves as a stream of messages, as from a kubelet. */
const CHUNK = 64 * 1024;

export const NOT_SIMULATED_EXIT = 126;

function sendBytes(out: Output, bytes: Buffer): void {
  for (let i = 0; i < bytes.length; i += CHUNK) out.stdout(bytes.subarray(i, i + CHUNK));
}

const FILE_TYPE = { file: "regular file", dir: "directory", link: "symbolic link" } as const;

function statLine(format: string, path: string, node: Resolved): string {
  const size = node.kind === "file" ? node.bytes.length : node.kind === "dir" ? 4096 : node.target.length;
  const mode = node.kind === "link" ? 0o777 : node.mode;
  const mtime = node.kind === "link" ? 0 : node.mtime;
  return format.replace(/%([sYaFn%])/g, (_, c: string) =>
    c === "s"
      ? String(size)
      : c === "Y"
        ? String(Math.floor(mtime / 1000))
        : c === "a"
          ? mode.toString(8)
          : c === "F"
            ? FILE_TYPE[node.kind]
            : c === "n"
              ? path
              : "%",
  );
}

export function runFileCommand(world: World, cluster: SimCluster, pod: KObject, container: string, command: FileCommand, out: Output): number {
  const found = resolvePath(world, cluster, pod, container, command.path);
  if (found === undefined) {
    out.stderr(
      command.kind === "cat"
        ? `airlock simulator: file not simulated: ${command.path}\n`
        : `airlock simulator: command not simulated: ${command.kind} ${command.path}\n`,
    );
    return NOT_SIMULATED_EXIT;
  }
  switch (command.kind) {
    case "cat":
      if (!found) return fail(out, `cat: can't open '${command.path}': No such file or directory`);
      if (found.kind === "dir") return fail(out, "cat: read error: Is a directory");
      if (found.kind === "link") return catLink(world, cluster, pod, container, command.path, found, out);
      sendBytes(out, found.bytes);
      return 0;
    case "readlink":
      if (!found || found.kind !== "link") return 1;
      out.stdout(`${found.target}\n`);
      return 0;
    case "ls":
      if (!found) return fail(out, `ls: ${command.path}: No such file or directory`);
      out.stdout(found.kind === "dir" ? (found.entries.length ? `${found.entries.join("\n")}\n` : "") : `${command.path}\n`);
      return 0;
    case "stat": {
      if (!found) return fail(out, `stat: can't stat '${command.path}': No such file or directory`);
      const node = command.follow && found.kind === "link" ? followLink(world, cluster, pod, container, command.path, found) : found;
      if (!node) return fail(out, `stat: can't stat '${command.path}': No such file or directory`);
      out.stdout(`${statLine(command.format, command.path, node)}\n`);
      return 0;
    }
    case "tar": {
      const entries = walk(world, cluster, pod, container, command.path);
      if (!entries) return fail(out, `tar: ${command.path}: Cannot stat: No such file or directory`);
      for (const piece of tarStream(
        entries.flatMap(({ path, node }) =>
          node.kind === "link" ? [] : [{ path, kind: node.kind, mode: node.mode, mtime: node.mtime, bytes: node.kind === "file" ? node.bytes : undefined }],
        ),
      ))
        sendBytes(out, piece);
      return 0;
    }
  }
}

function fail(out: Output, message: string): number {
  out.stderr(`${message}\n`);
  return 1;
}

/** A /proc/<pid>/exe or cwd link leads into that process's root, as the kernel resolves it. */
function followLink(world: World, cluster: SimCluster, pod: KObject, container: string, path: string, link: Extract<Resolved, { kind: "link" }>) {
  const pid = /^\/?proc\/(\d+)\//.exec(path)?.[1];
  if (!pid || !link.target.startsWith("/")) return null;
  return resolvePath(world, cluster, pod, container, `/proc/${pid}/root${link.target}`) ?? null;
}

function catLink(
  world: World,
  cluster: SimCluster,
  pod: KObject,
  container: string,
  path: string,
  link: Extract<Resolved, { kind: "link" }>,
  out: Output,
): number {
  const node = followLink(world, cluster, pod, container, path, link);
  if (!node || node.kind !== "file") return fail(out, `cat: can't open '${path}': No such file or directory`);
  sendBytes(out, node.bytes);
  return 0;
}
