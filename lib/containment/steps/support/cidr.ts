// The investigator's SSH source range (ERRATA 9): one address or a narrow IPv4 CIDR. A wide
// range would turn the "allow SSH from the investigator" rule into "allow SSH from anyone".

export const NARROWEST_ALLOWED_PREFIX = 24;

export type CidrCheck = { ok: true; range: string } | { ok: false; message: string };

function parseIpv4(text: string): number[] | undefined {
  const parts = text.split(".");
  if (parts.length !== 4) return undefined;
  const out: number[] = [];
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p)) return undefined;
    const n = Number(p);
    if (n > 255 || (p.length > 1 && p.startsWith("0"))) return undefined;
    out.push(n);
  }
  return out;
}

/** The address as its u32, or null when it is not a dotted IPv4 address. */
function ipv4ToInt(text: string): number | null {
  const o = parseIpv4(text);
  return o ? ((o[0] << 24) | (o[1] << 16) | (o[2] << 8) | o[3]) >>> 0 : null;
}

const maskOf = (bits: number) => (bits === 0 ? 0 : (~0 << (32 - bits)) >>> 0);

/** An IPv4 CIDR (or bare address, as /32) as its network base and prefix length; null for anything else (IPv6 included). */
export function cidrBounds(cidr: string): { base: number; bits: number } | null {
  const [ip, len] = cidr.split("/");
  const base = ipv4ToInt(ip);
  const bits = len === undefined ? 32 : Number(len);
  if (base === null || !Number.isInteger(bits) || bits < 0 || bits > 32) return null;
  return { base: (base & maskOf(bits)) >>> 0, bits };
}

/** Is the IPv4 address inside the CIDR? False when either is not IPv4. */
export function ipInCidr(ip: string, cidr: string): boolean {
  const n = ipv4ToInt(ip);
  const b = cidrBounds(cidr);
  if (n === null || !b) return false;
  return (n & maskOf(b.bits)) >>> 0 === b.base;
}

export function checkSshSourceRange(input: unknown): CidrCheck {
  if (typeof input !== "string" || input.trim() === "") {
    return { ok: false, message: "An SSH source range is required: the investigator's address (e.g. 203.0.113.7) or a CIDR no wider than /24." };
  }
  const text = input.trim();
  const [addr, prefixText, extra] = text.split("/");
  if (extra !== undefined) return { ok: false, message: `"${text}" is not an IPv4 address or CIDR.` };
  const octets = parseIpv4(addr);
  if (!octets) {
    return { ok: false, message: `"${text}" is not an IPv4 address or CIDR (IPv6 is not supported for the SSH allow rule).` };
  }
  // Kept as typed: gcloud and the API store a bare address as given.
  if (prefixText === undefined) return { ok: true, range: addr };
  if (!/^\d{1,2}$/.test(prefixText) || Number(prefixText) > 32) return { ok: false, message: `"${text}" has an invalid prefix length.` };
  const prefix = Number(prefixText);
  if (prefix === 0) {
    return { ok: false, message: `${text} is the whole internet: the SSH allow rule would let anyone reach the node. Give the investigator's own address.` };
  }
  if (prefix < NARROWEST_ALLOWED_PREFIX) {
    return { ok: false, message: `${text} is too wide (/${prefix}): allow SSH only from one address or a range no wider than /${NARROWEST_ALLOWED_PREFIX}.` };
  }
  const value = ((octets[0] << 24) | (octets[1] << 16) | (octets[2] << 8) | octets[3]) >>> 0;
  const mask = prefix === 32 ? 0xffffffff : (0xffffffff << (32 - prefix)) >>> 0;
  if ((value & mask) >>> 0 !== value) {
    return { ok: false, message: `${text} has host bits set; did you mean ${[24, 16, 8, 0].map((s) => ((value & mask) >>> s) & 255).join(".")}/${prefix}?` };
  }
  return { ok: true, range: text };
}

/** "10.0.0.1" and "10.0.0.1/32" name the same range. */
export function sameRange(a: string, b: string): boolean {
  const norm = (r: string) => (r.includes("/") ? r : `${r}/32`);
  return norm(a.trim()) === norm(b.trim());
}
