import { labelSelectorMatches, type LabelSelector } from "../label-selector";

// Structured LabelSelector (matchLabels + matchExpressions) and IPv4 CIDR matching, the two
// primitives NetworkPolicy peers are built from. The selector evaluation is the simulator's one
// (../label-selector); what is policy-specific is that an absent selector selects everything.

export type { LabelSelector, LabelSelectorRequirement } from "../label-selector";

/** An empty selector ({}) selects everything, and so does an absent one here. */
export function matchesLabelSelector(selector: LabelSelector | undefined | null, labels: Record<string, string> | undefined): boolean {
  return !selector || labelSelectorMatches(selector, labels);
}

function ipv4ToInt(ip: string): number | undefined {
  const parts = ip.trim().split(".");
  if (parts.length !== 4) return undefined;
  let n = 0;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p)) return undefined;
    const v = Number(p);
    if (v > 255) return undefined;
    n = n * 256 + v;
  }
  return n;
}

export function isIPv4(ip: string): boolean {
  return ipv4ToInt(ip) !== undefined;
}

export function ipInCidr(ip: string, cidr: string): boolean {
  const [base, bitsText] = cidr.split("/");
  const addr = ipv4ToInt(ip);
  const net = ipv4ToInt(base);
  if (addr === undefined || net === undefined) return false;
  const bits = bitsText === undefined ? 32 : Number(bitsText);
  if (!Number.isInteger(bits) || bits < 0 || bits > 32) return false;
  if (bits === 0) return true;
  const mask = bits === 32 ? 0xffffffff : (~0 << (32 - bits)) >>> 0;
  return (addr & mask) >>> 0 === (net & mask) >>> 0;
}
