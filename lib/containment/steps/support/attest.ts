import type { V1LabelSelector, V1NetworkPolicyPeer } from "@kubernetes/client-node";
import { cidrBounds, ipInCidr } from "./cidr";
import type { Labels } from "./selectors";
import { parseNetRows } from "./triage";

// The pure parts of attest-isolation: what busybox nc and /proc/net/tcp print, which labels a
// probe needs to stand in a policy peer, and how probe results become a verdict per layer.

export const RESULTS = ["connected", "refused", "timeout", "error"] as const;
export type ProbeResult = (typeof RESULTS)[number];

/**
 * busybox `nc -zv -w N HOST PORT`: "HOST (IP:PORT) open" on success; "Connection refused" when
 * a RST came back (the packet reached the pod: reachable); "Connection timed out" when nothing
 * came back (dropped: what an enforced deny looks like). Anything else is an error, with why.
 */
export function ncResult(out: { stdout: string; stderr: string; exitCode: number }): { result: ProbeResult; detail?: string } {
  const text = `${out.stderr}\n${out.stdout}`.trim();
  const firstLine = text.split("\n").find((l) => l.trim()) ?? "";
  if (out.exitCode === 0) return /\bopen\b/.test(text) || !text ? { result: "connected" } : { result: "connected", detail: firstLine };
  if (/connection refused/i.test(text)) return { result: "refused", detail: firstLine };
  if (/timed out/i.test(text)) return { result: "timeout", detail: firstLine };
  if (/bad address/i.test(text)) return { result: "error", detail: `name did not resolve: ${firstLine}` };
  if (out.exitCode === 126 || out.exitCode === 127) return { result: "error", detail: `nc could not run (exit ${out.exitCode}): ${firstLine || "no output"}` };
  return { result: "error", detail: `nc exit ${out.exitCode}${firstLine ? `: ${firstLine}` : " with no output"}` };
}

/** Is this result evidence that the packet reached its target? Refused is: a RST came from the far end. */
export const reachable = (r: ProbeResult) => r === "connected" || r === "refused";

export type TcpSocket = { local: string; remote: string; state: "listen" | "established" | "syn-sent" | "other"; txQueue: number; retransmitTimer: boolean };

/** /proc/net/tcp as the kernel prints it (little-endian hex addresses, big-endian ports). */
export function parseProcNetTcp(text: string): TcpSocket[] {
  return parseNetRows(text, false).map(({ local, remote, st, txQueue, retransmitTimer }) => ({
    local,
    remote,
    state: st === "0A" ? "listen" : st === "01" ? "established" : st === "02" ? "syn-sent" : "other",
    txQueue,
    retransmitTimer,
  }));
}

/** `ip:port` pairs a text names (log lines, event messages): where the evidence says the pod talks to. */
export function addressesIn(text: string): { ip: string; port: number }[] {
  const seen = new Map<string, { ip: string; port: number }>();
  for (const m of text.matchAll(/\b((?:\d{1,3}\.){3}\d{1,3}):(\d{1,5})\b/g)) {
    const ip = m[1];
    const port = Number(m[2]);
    if (ip.split(".").some((o) => Number(o) > 255) || port < 1 || port > 65535) continue;
    if (ip.startsWith("127.") || ip === "0.0.0.0") continue;
    seen.set(`${ip}:${port}`, { ip, port });
  }
  return [...seen.values()];
}

/**
 * Labels a pod needs to match a selector: matchLabels as given, an `In` expression's first value,
 * `Exists` with a marker value. NotIn/DoesNotExist hold for absent keys, which a probe leaves
 * absent; null when the selector cannot be satisfied (`In` with no values).
 */
export function labelsSatisfying(selector: V1LabelSelector | undefined): Labels | null {
  const labels: Labels = { ...(selector?.matchLabels ?? {}) };
  for (const r of selector?.matchExpressions ?? []) {
    if (r.operator === "In") {
      if (!r.values?.length) return null;
      if (labels[r.key] === undefined) labels[r.key] = r.values[0];
      else if (!r.values.includes(labels[r.key])) return null;
    } else if (r.operator === "Exists" && labels[r.key] === undefined) labels[r.key] = "airlock-probe";
    else if ((r.operator === "DoesNotExist" && labels[r.key] !== undefined) || (r.operator === "NotIn" && (r.values ?? []).includes(labels[r.key])))
      return null;
  }
  return labels;
}

export function peerLabel(peer: V1NetworkPolicyPeer): string {
  const sel = (s: V1LabelSelector | undefined) => {
    const parts = [
      ...Object.entries(s?.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`),
      ...(s?.matchExpressions ?? []).map((r) => `${r.key} ${r.operator}${r.values?.length ? ` (${r.values.join(",")})` : ""}`),
    ];
    return parts.length ? parts.join(",") : "any";
  };
  if (peer.ipBlock) return `ipBlock ${peer.ipBlock.cidr}${peer.ipBlock.except?.length ? ` except ${peer.ipBlock.except.join(",")}` : ""}`;
  const ns = peer.namespaceSelector ? `namespaces ${sel(peer.namespaceSelector)}` : "";
  const pods = peer.podSelector ? `pods ${sel(peer.podSelector)}` : "";
  return [ns, pods].filter(Boolean).join(", ");
}

/** Inside an ipBlock: in its cidr and in none of its excepts. */
export function inIpBlock(ip: string, block: { cidr: string; except?: string[] }): boolean {
  return ipInCidr(ip, block.cidr) && !(block.except ?? []).some((e) => ipInCidr(ip, e));
}

/** An address an egress probe can aim at inside an ipBlock: the first host outside the excepts; null for IPv6 or none. */
export function hostInIpBlock(block: { cidr: string; except?: string[] }): string | null {
  const b = cidrBounds(block.cidr);
  if (!b) return null;
  const size = 2 ** (32 - b.bits);
  for (let i = size > 2 ? 1 : 0; i < Math.min(size, 4096); i++) {
    const n = (b.base + i) >>> 0;
    const ip = [n >>> 24, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff].join(".");
    if (inIpBlock(ip, block)) return ip;
  }
  return null;
}

export type LayerVerdict = { state: "isolated" | "not-isolated" | "unknown"; why: string };

type Probed = { source: string; target: string; port: number; protocol: string; result: ProbeResult; detail?: string };

// Egress probes all leave from the pod itself: naming the source on each would only repeat it.
const describe = (p: Probed, direction: "ingress" | "egress") =>
  `${p.target}:${p.port}/${p.protocol.toLowerCase()}${direction === "ingress" ? ` from ${p.source}` : ""}: ${p.result}${p.detail ? ` (${p.detail})` : ""}`;

/**
 * A layer is isolated only when every probe timed out: a connection (or a refusal, which is a
 * reply from the far end) proves reachability, and a probe that could not run proves nothing.
 */
export function layerVerdict(direction: "ingress" | "egress", probes: Probed[], caveats: string[] = []): LayerVerdict {
  const open = probes.filter((p) => reachable(p.result));
  if (open.length)
    return { state: "not-isolated", why: `${open.length} ${direction} probe(s) got through: ${open.map((p) => describe(p, direction)).join("; ")}.` };
  const failed = probes.filter((p) => p.result === "error");
  if (failed.length)
    return { state: "unknown", why: `${failed.length} ${direction} probe(s) could not run: ${failed.map((p) => describe(p, direction)).join("; ")}.` };
  if (!probes.length) return { state: "unknown", why: `No ${direction} probe ran.` };
  const extra = caveats.length ? ` Not covered: ${caveats.join("; ")}.` : "";
  return { state: "isolated", why: `Every ${direction} probe (${probes.length}) timed out: the packets were dropped.${extra}` };
}
