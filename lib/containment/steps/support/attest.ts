import type { V1LabelSelector, V1NetworkPolicyPeer } from "@kubernetes/client-node";
import { cidrBounds, ipInCidr } from "./cidr";
import type { Labels } from "./selectors";
import { parseNetRows } from "./triage";

// The pure parts of attest-isolation: what busybox nc and /proc/net/tcp print, which labels a
// probe needs to stand in a policy peer, and how probe results become a verdict per layer.

/**
 * `no-reply`: a UDP probe heard nothing back. UDP has no handshake, so silence proves nothing
 * either way: a datagram the deny-all dropped and one a listener read without answering look the
 * same. Never counted as reachable, never as isolated.
 */
export const RESULTS = ["connected", "refused", "timeout", "no-reply", "error"] as const;
export type ProbeResult = (typeof RESULTS)[number];

export const UDP_SILENCE =
  "UDP: silence is not proof (no ICMP port-unreachable came back: a dropped datagram and an open port that does not answer look alike)";

/**
 * busybox `nc -zv -w N HOST PORT` (nc_bloaty.c):
 * - TCP: "HOST (IP:PORT) open" on success; "Connection timed out" when nothing came back
 *   (dropped: what an enforced deny looks like); a refusal (a RST: the packet reached the pod,
 *   so reachable) exits 1 without a line at one -v, or says "Connection refused" at -vv.
 * - UDP (`-u`): nc sends a datagram, waits -w seconds, sends another; only an ICMP
 *   port-unreachable (ECONNREFUSED) fails it, as a refusal. Silence exits 0 and prints "open"
 *   whether the datagram was dropped or read: `no-reply`.
 * Anything else is an error, with why.
 */
export function ncResult(out: { stdout: string; stderr: string; exitCode: number }, protocol: "TCP" | "UDP" = "TCP"): { result: ProbeResult; detail?: string } {
  const text = `${out.stderr}\n${out.stdout}`.trim();
  const firstLine = text.split("\n").find((l) => l.trim()) ?? "";
  const udp = protocol === "UDP";
  if (out.exitCode === 0) {
    if (udp) return { result: "no-reply", detail: UDP_SILENCE };
    return /\bopen\b/.test(text) || !text ? { result: "connected" } : { result: "connected", detail: firstLine };
  }
  if (/connection refused/i.test(text)) return { result: "refused", detail: udp ? `ICMP port-unreachable: ${firstLine}` : firstLine };
  if (out.exitCode === 1 && !text) return { result: "refused", detail: "nc exit 1 without a line: busybox prints no refusal at one -v" };
  // busybox's UDP scan does not time out; another nc might: silence all the same.
  if (/timed out/i.test(text)) return udp ? { result: "no-reply", detail: `${UDP_SILENCE}: ${firstLine}` } : { result: "timeout", detail: firstLine };
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
 * A layer is isolated only when every TCP probe timed out: a connection (or a refusal, which is a
 * reply from the far end, an ICMP port-unreachable for UDP included) proves reachability, and a
 * probe that could not run proves nothing. UDP silence (`no-reply`) proves nothing either: it
 * neither reddens a layer TCP proved isolated nor proves one; the verdict says how many UDP
 * probes went unproven, and a layer with only UDP probes is unknown.
 */
export function layerVerdict(direction: "ingress" | "egress", probes: Probed[], caveats: string[] = []): LayerVerdict {
  const open = probes.filter((p) => reachable(p.result));
  if (open.length)
    return { state: "not-isolated", why: `${open.length} ${direction} probe(s) got through: ${open.map((p) => describe(p, direction)).join("; ")}.` };
  const failed = probes.filter((p) => p.result === "error");
  if (failed.length)
    return { state: "unknown", why: `${failed.length} ${direction} probe(s) could not run: ${failed.map((p) => describe(p, direction)).join("; ")}.` };
  if (!probes.length) return { state: "unknown", why: `No ${direction} probe ran.` };
  const silent = probes.filter((p) => p.result === "no-reply");
  const dropped = probes.length - silent.length;
  const extra = caveats.length ? ` Not covered: ${caveats.join("; ")}.` : "";
  const ports = [...new Set(silent.map((p) => `${p.target}:${p.port}/${p.protocol.toLowerCase()}`))];
  const udp = `UDP not provable by probe: ${silent.length} probe(s) (${ports.join(", ")}) heard nothing back, and UDP silence is not proof.`;
  if (!dropped) return { state: "unknown", why: `Only UDP was probed on ${direction}: ${udp} Isolation is not proven by probe.${extra}` };
  if (silent.length) return { state: "isolated", why: `Every TCP ${direction} probe (${dropped}) timed out: the packets were dropped. ${udp}${extra}` };
  return { state: "isolated", why: `Every ${direction} probe (${probes.length}) timed out: the packets were dropped.${extra}` };
}
