import "server-only";
import { z } from "zod";

// The fixed, read-only triage a toolbox (an ephemeral container sharing the suspect
// container's PID namespace) runs against the suspect's processes through /proc: nothing in
// the app image is executed, and only busybox's cat, ls and readlink are used. This file holds
// the command set and the parsing of what they print; debug-container runs them.

/** The toolbox's own process: it only waits, so every triage command is an exec the timeline can name. */
export const TOOLBOX_COMMAND = ["sleep", "3600"];

export const TRIAGE_SET = [
  "ls /proc (process IDs)",
  "cat /proc/<pid>/cmdline, readlink /proc/<pid>/exe and /proc/<pid>/cwd",
  "ls /proc/<pid>/fd and readlink of each (open files and sockets)",
  "cat /proc/1/net/tcp, tcp6 and udp (the pod's sockets, decoded to ip:port)",
  "cat /proc/1/mounts",
  "cat /proc/<pid>/environ (names only unless values are asked for)",
];

export const connectionSchema = z.object({
  proto: z.enum(["tcp", "tcp6", "udp"]),
  local: z.string(),
  remote: z.string(),
  state: z.string(),
  inode: z.number(),
  /** The process holding the socket (by its fd link), when one of the listed processes does. */
  pid: z.number().optional(),
  process: z.string().optional(),
});
export type Connection = z.output<typeof connectionSchema>;

export const processSchema = z.object({
  pid: z.number(),
  cmdline: z.array(z.string()),
  exe: z.string().nullable(),
  cwd: z.string().nullable(),
  fds: z.array(z.object({ fd: z.number(), target: z.string() })),
  envNames: z.array(z.string()),
});
export type TriageProcess = z.output<typeof processSchema>;

const TCP_STATES: Record<string, string> = {
  "01": "ESTABLISHED",
  "02": "SYN_SENT",
  "03": "SYN_RECV",
  "04": "FIN_WAIT1",
  "05": "FIN_WAIT2",
  "06": "TIME_WAIT",
  "07": "CLOSE",
  "08": "CLOSE_WAIT",
  "09": "LAST_ACK",
  "0A": "LISTEN",
  "0B": "CLOSING",
};

/** The kernel prints an IPv4 address as its u32 in host (little-endian) order, in hex. */
function ipv4(hex: string): string {
  const n = Number.parseInt(hex, 16);
  return [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, (n >>> 24) & 0xff].join(".");
}

/** IPv6 as four such u32 words; printed compressed-free but lowercase, in brackets for the port. */
function ipv6(hex: string): string {
  const bytes: number[] = [];
  for (let w = 0; w < 4; w++) {
    const word = hex.slice(w * 8, w * 8 + 8);
    for (let b = 3; b >= 0; b--) bytes.push(Number.parseInt(word.slice(b * 2, b * 2 + 2), 16));
  }
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(((bytes[i] << 8) | bytes[i + 1]).toString(16));
  return `[${groups.join(":")}]`;
}

/** `0100007F:1F90` → `127.0.0.1:8080` (or `[…]:port` for tcp6). */
export function decodeAddress(field: string, v6: boolean): string {
  const [addr, port] = field.split(":");
  return `${v6 ? ipv6(addr) : ipv4(addr)}:${Number.parseInt(port, 16)}`;
}

/** One row of /proc/net/{tcp,tcp6,udp} as the kernel prints it, addresses decoded; `st` is the raw hex state. */
export type NetRow = { local: string; remote: string; st: string; txQueue: number; retransmitTimer: boolean; inode: number };

/** The rows of a /proc/net table (little-endian hex addresses, big-endian ports). */
export function parseNetRows(text: string, v6: boolean): NetRow[] {
  const out: NetRow[] = [];
  for (const line of text.split("\n").slice(1)) {
    const f = line.trim().split(/\s+/);
    if (f.length < 10 || !/^\d+:$/.test(f[0])) continue;
    const [tx] = f[4].split(":");
    const [tr] = f[5].split(":");
    out.push({
      local: decodeAddress(f[1], v6),
      remote: decodeAddress(f[2], v6),
      st: f[3].toUpperCase(),
      txQueue: Number.parseInt(tx, 16) || 0,
      retransmitTimer: tr === "01",
      inode: Number(f[9]),
    });
  }
  return out;
}

/** The rows of /proc/net/{tcp,tcp6,udp}, addresses decoded. */
export function parseNetTable(text: string, proto: Connection["proto"]): Connection[] {
  return parseNetRows(text, proto === "tcp6").map(({ local, remote, st, inode }) => ({
    proto,
    local,
    remote,
    state: proto === "udp" ? (st === "07" ? "UNCONN" : st === "01" ? "ESTABLISHED" : st) : (TCP_STATES[st] ?? st),
    inode,
  }));
}

/** Ties each socket to the process whose fd links name its inode (`socket:[12345]`). */
export function attributeSockets(conns: Connection[], procs: TriageProcess[]): Connection[] {
  const owner = new Map<number, TriageProcess>();
  for (const p of procs)
    for (const fd of p.fds) {
      const m = /^socket:\[(\d+)\]$/.exec(fd.target);
      if (m) owner.set(Number(m[1]), p);
    }
  return conns.map((c) => {
    const p = owner.get(c.inode);
    return p ? { ...c, pid: p.pid, process: p.exe ?? p.cmdline[0] ?? undefined } : c;
  });
}

/** NUL-separated argv (cmdline) or KEY=VALUE entries (environ). */
export function nulSplit(text: string): string[] {
  return text.split("\0").filter((s) => s !== "");
}

/** Environment entries as names, or with values when the analyst asked for them. */
export function environment(text: string, withValues: boolean): string[] {
  return nulSplit(text).map((e) => (withValues ? e : e.split("=")[0]));
}

/** A one-line human summary of the connections that leave the pod. */
export function describeConnection(c: Connection): string {
  return `${c.proto} ${c.local} → ${c.remote} ${c.state}${c.pid !== undefined ? ` (pid ${c.pid}${c.process ? ` ${c.process}` : ""})` : ""}`;
}
