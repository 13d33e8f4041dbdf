import type { GcpJson } from "./state";

// How VPC firewall rules decide a connection, as the Compute docs describe it: rules of the
// instance's network that target it are ordered by priority (0 is the highest); at equal
// priority a DENY beats an ALLOW; the first rule matching the connection decides. Below every
// rule sit the two implied rules at 65535: allow all egress, deny all ingress.
// Not modelled: hierarchical/network firewall policies, the always-allowed metadata server,
// the always-blocked egress to TCP 25, and connection tracking of replies.

export type Direction = "INGRESS" | "EGRESS";

export interface Connection {
  direction: Direction;
  /** "tcp", "udp", "icmp", "sctp", "esp", "ah" or a protocol number */
  protocol: string;
  port?: number;
  /** the other end: source for INGRESS, destination for EGRESS */
  remoteIp: string;
  /** network tags of the remote instance, for sourceTags of INGRESS rules */
  remoteTags?: string[];
}

export interface Decision {
  action: "allow" | "deny";
  /** the firewall JSON that decided, or an implied rule */
  rule: GcpJson;
}

const IMPLIED_EGRESS_ALLOW: GcpJson = Object.freeze({
  name: "implied-allow-egress",
  implied: true,
  direction: "EGRESS",
  priority: 65535,
  allowed: [{ IPProtocol: "all" }],
  destinationRanges: ["0.0.0.0/0"],
});
const IMPLIED_INGRESS_DENY: GcpJson = Object.freeze({
  name: "implied-deny-ingress",
  implied: true,
  direction: "INGRESS",
  priority: 65535,
  denied: [{ IPProtocol: "all" }],
  sourceRanges: ["0.0.0.0/0"],
});

const PROTOCOL_NUMBERS: Record<string, string> = { "1": "icmp", "6": "tcp", "17": "udp", "50": "esp", "51": "ah", "132": "sctp" };

/** "6" and "TCP" both mean tcp; unknown numbers stay numbers. */
export function normalizeProtocol(p: string): string {
  const lower = String(p).toLowerCase();
  return PROTOCOL_NUMBERS[lower] ?? lower;
}

export function evaluateFirewall(firewalls: Iterable<GcpJson>, instance: GcpJson, conn: Connection): Decision {
  const candidates = [...firewalls]
    .filter((fw) => !fw.disabled && (fw.direction ?? "INGRESS") === conn.direction && firewallAppliesToInstance(fw, instance))
    .sort((a, b) => priorityOf(a) - priorityOf(b) || denyFirst(a) - denyFirst(b));
  for (const fw of candidates) {
    if (!remoteMatches(fw, conn)) continue;
    if (fw.denied?.length && fw.denied.some((r: GcpJson) => protocolEntryMatches(r, conn))) return { action: "deny", rule: fw };
    if (fw.allowed?.length && fw.allowed.some((r: GcpJson) => protocolEntryMatches(r, conn))) return { action: "allow", rule: fw };
  }
  return conn.direction === "EGRESS" ? { action: "allow", rule: IMPLIED_EGRESS_ALLOW } : { action: "deny", rule: IMPLIED_INGRESS_DENY };
}

/** Same network as one of the instance's interfaces, and targets it (tags, service accounts or everything). */
export function firewallAppliesToInstance(fw: GcpJson, instance: GcpJson): boolean {
  const networks = (instance.networkInterfaces ?? []).map((nic: GcpJson) => networkName(nic.network));
  if (!networks.includes(networkName(fw.network))) return false;
  if (fw.targetTags?.length) {
    const tags: string[] = instance.tags?.items ?? [];
    return fw.targetTags.some((t: string) => tags.includes(t));
  }
  if (fw.targetServiceAccounts?.length) {
    const accounts = (instance.serviceAccounts ?? []).map((sa: GcpJson) => sa.email);
    return fw.targetServiceAccounts.some((a: string) => accounts.includes(a));
  }
  return true;
}

export function networkName(url: string | undefined): string {
  if (!url) return "default";
  const m = /(?:^|\/)global\/networks\/([^/]+)$/.exec(url);
  return m ? m[1] : url;
}

function priorityOf(fw: GcpJson): number {
  return fw.priority ?? 1000;
}

function denyFirst(fw: GcpJson): number {
  return fw.denied?.length ? 0 : 1;
}

function remoteMatches(fw: GcpJson, conn: Connection): boolean {
  if (conn.direction === "EGRESS") {
    const ranges: string[] = fw.destinationRanges?.length ? fw.destinationRanges : ["0.0.0.0/0"];
    return ranges.some((r) => ipInCidr(conn.remoteIp, r));
  }
  const ranges: string[] = fw.sourceRanges ?? [];
  const tags: string[] = fw.sourceTags ?? [];
  const accounts: string[] = fw.sourceServiceAccounts ?? [];
  // An ingress rule with no source at all means "from anywhere", as the API defaults it.
  if (!ranges.length && !tags.length && !accounts.length) return true;
  if (ranges.some((r) => ipInCidr(conn.remoteIp, r))) return true;
  return tags.some((t) => conn.remoteTags?.includes(t));
}

function protocolEntryMatches(entry: GcpJson, conn: Connection): boolean {
  const proto = normalizeProtocol(entry.IPProtocol);
  if (proto !== "all" && proto !== normalizeProtocol(conn.protocol)) return false;
  const ports: string[] = entry.ports ?? [];
  if (!ports.length) return true;
  if (conn.port === undefined) return false;
  return ports.some((p) => {
    const [lo, hi] = p.split("-").map(Number);
    return conn.port! >= lo && conn.port! <= (hi ?? lo);
  });
}

export function parseIpv4(ip: string): number | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(ip);
  if (!m) return undefined;
  const parts = m.slice(1).map(Number);
  if (parts.some((p) => p > 255)) return undefined;
  return ((parts[0] << 24) | (parts[1] << 16) | (parts[2] << 8) | parts[3]) >>> 0;
}

/** IPv4 only; a bare address is a /32. IPv6 ranges never match an IPv4 address. */
export function ipInCidr(ip: string, cidr: string): boolean {
  const [base, bitsText] = cidr.split("/");
  const addr = parseIpv4(ip);
  const net = parseIpv4(base);
  if (addr === undefined || net === undefined) return false;
  const bits = bitsText === undefined ? 32 : Number(bitsText);
  if (!Number.isInteger(bits) || bits < 0 || bits > 32) return false;
  const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
  return (addr & mask) === (net & mask);
}
