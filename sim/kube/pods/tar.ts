// `tar cf - <path>` as GNU and busybox tar write it: POSIX ustar, member names without the
// leading "/", directories before what they hold, two zero blocks at the end. This is what
// `kubectl cp <pod>:<path> <dest>` reads back (staging/src/k8s.io/kubectl/pkg/cmd/cp).

const BLOCK = 512;

export interface TarEntry {
  /** the path as given on the command line, "/" allowed */
  path: string;
  kind: "file" | "dir";
  bytes?: Buffer;
  mode: number;
  /** epoch ms */
  mtime: number;
}

function octal(n: number, width: number): string {
  return `${n.toString(8).padStart(width - 1, "0")}\0`;
}

function splitName(name: string): { name: string; prefix: string } {
  if (Buffer.byteLength(name) <= 100) return { name, prefix: "" };
  const cut = name.lastIndexOf("/", 155);
  if (cut <= 0 || Buffer.byteLength(name.slice(cut + 1)) > 100) throw new Error(`path too long for ustar: ${name}`);
  return { name: name.slice(cut + 1), prefix: name.slice(0, cut) };
}

export function tarHeader(e: TarEntry): Buffer {
  const h = Buffer.alloc(BLOCK);
  const member = e.path.replace(/^\/+/, "") + (e.kind === "dir" && !e.path.endsWith("/") ? "/" : "");
  const { name, prefix } = splitName(member);
  const size = e.kind === "file" ? (e.bytes?.length ?? 0) : 0;
  h.write(name, 0, 100, "utf8");
  h.write(octal(e.mode & 0o7777, 8), 100, 8, "ascii");
  h.write(octal(10001, 8), 108, 8, "ascii");
  h.write(octal(10001, 8), 116, 8, "ascii");
  h.write(octal(size, 12), 124, 12, "ascii");
  h.write(octal(Math.floor(e.mtime / 1000), 12), 136, 12, "ascii");
  h.write("        ", 148, 8, "ascii");
  h.write(e.kind === "dir" ? "5" : "0", 156, 1, "ascii");
  h.write("ustar\0", 257, 6, "ascii");
  h.write("00", 263, 2, "ascii");
  h.write("app", 265, 32, "ascii");
  h.write("app", 297, 32, "ascii");
  h.write(prefix, 345, 155, "utf8");
  let sum = 0;
  for (const b of h) sum += b;
  h.write(`${sum.toString(8).padStart(6, "0")}\0 `, 148, 8, "ascii");
  return h;
}

/** The archive in pieces (header, body, padding …), so a large file is sent as it is read. */
export function* tarStream(entries: TarEntry[]): Generator<Buffer> {
  for (const e of entries) {
    yield tarHeader(e);
    if (e.kind !== "file" || !e.bytes?.length) continue;
    yield e.bytes;
    const pad = (BLOCK - (e.bytes.length % BLOCK)) % BLOCK;
    if (pad) yield Buffer.alloc(pad);
  }
  yield Buffer.alloc(BLOCK * 2);
}
