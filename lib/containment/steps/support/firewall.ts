import type { protos } from "@google-cloud/compute";
import { z } from "zod";
import { sameRange } from "./cidr";
import { computeClients, gcpReadOrNull, nameOf, withRetry, type InstanceRef } from "./gcp";

// The three quarantine rules of the playbook, as Compute Firewall resources, and the comparison
// that makes creating them idempotent.

export type Firewall = protos.google.cloud.compute.v1.IFirewall;
export type Protocol = "all" | "tcp";

export const EGRESS_DENY = "quarantine-egress-deny";
export const INGRESS_DENY = "quarantine-ingress-deny";
export const INGRESS_ALLOW = "quarantine-ingress-allow";
export const QUARANTINE_RULES = [EGRESS_DENY, INGRESS_DENY, INGRESS_ALLOW] as const;
// IPv6 twins, for a VM in a dual-stack subnetwork: a Compute rule holds ranges of one family only.
export const EGRESS_DENY_V6 = "quarantine-egress-deny-ipv6";
export const INGRESS_DENY_V6 = "quarantine-ingress-deny-ipv6";
export const QUARANTINE_RULES_V6 = [EGRESS_DENY_V6, INGRESS_DENY_V6] as const;

export function quarantineRules(project: string, network: string, protocol: Protocol, sshSourceRange: string): Firewall[] {
  const networkUrl = `projects/${project}/global/networks/${network}`;
  return [
    {
      name: EGRESS_DENY,
      network: networkUrl,
      direction: "EGRESS",
      priority: 0,
      denied: [{ IPProtocol: protocol }],
      destinationRanges: ["0.0.0.0/0"],
      targetTags: ["quarantine"],
      description: "Airlock: deny all egress from quarantined nodes",
    },
    {
      name: INGRESS_DENY,
      network: networkUrl,
      direction: "INGRESS",
      priority: 1,
      denied: [{ IPProtocol: protocol }],
      sourceRanges: ["0.0.0.0/0"],
      targetTags: ["quarantine"],
      description: "Airlock: deny all ingress to quarantined nodes (priority 1 so the SSH allow at 0 wins)",
    },
    {
      name: INGRESS_ALLOW,
      network: networkUrl,
      direction: "INGRESS",
      priority: 0,
      allowed: [{ IPProtocol: "tcp", ports: ["22"] }],
      sourceRanges: [sshSourceRange],
      targetTags: ["quarantine"],
      description: "Airlock: SSH to quarantined nodes from the investigator only",
    },
  ];
}

/**
 * The IPv4 rule set mirrored for IPv6 (`::/0`): deny egress at 0 and ingress at 1, the same
 * protocols. The one allow exception, SSH from the investigator, has no IPv6 twin: the SSH range
 * is an IPv4 address or CIDR, so over IPv6 nothing reaches the node.
 */
export function quarantineRulesV6(project: string, network: string, protocol: Protocol): Firewall[] {
  const [egress, ingress] = quarantineRules(project, network, protocol, "");
  return [
    {
      ...egress,
      name: EGRESS_DENY_V6,
      destinationRanges: ["::/0"],
      description: "Airlock: deny all IPv6 egress from quarantined nodes (dual-stack subnetwork)",
    },
    {
      ...ingress,
      name: INGRESS_DENY_V6,
      sourceRanges: ["::/0"],
      description: "Airlock: deny all IPv6 ingress to quarantined nodes (dual-stack subnetwork)",
    },
  ];
}

function rulesKey(rules: { IPProtocol?: string | null; ports?: string[] | null }[] | null | undefined): string {
  return (rules ?? [])
    .map((r) => `${(r.IPProtocol ?? "").toLowerCase()}:${[...(r.ports ?? [])].sort().join(",")}`)
    .sort()
    .join(";");
}

function rangesEqual(a: string[] | null | undefined, b: string[] | null | undefined): boolean {
  const x = a ?? [];
  const y = b ?? [];
  return x.length === y.length && x.every((r) => y.some((s) => sameRange(r, s)));
}

/** Differences between a live rule and the wanted one, as readable phrases; empty when they match. */
export function ruleDifferences(live: Firewall, want: Firewall): string[] {
  const diffs: string[] = [];
  if (nameOf(live.network) !== nameOf(want.network)) diffs.push(`network ${nameOf(live.network)} (want ${nameOf(want.network)})`);
  if (String(live.direction) !== String(want.direction)) diffs.push(`direction ${live.direction} (want ${want.direction})`);
  if ((live.priority ?? 1000) !== want.priority) diffs.push(`priority ${live.priority ?? 1000} (want ${want.priority})`);
  if (rulesKey(live.allowed) !== rulesKey(want.allowed)) diffs.push(`allowed ${rulesKey(live.allowed) || "none"} (want ${rulesKey(want.allowed) || "none"})`);
  if (rulesKey(live.denied) !== rulesKey(want.denied)) diffs.push(`denied ${rulesKey(live.denied) || "none"} (want ${rulesKey(want.denied) || "none"})`);
  if (want.sourceRanges && !rangesEqual(live.sourceRanges, want.sourceRanges))
    diffs.push(`sourceRanges ${(live.sourceRanges ?? []).join(",")} (want ${want.sourceRanges.join(",")})`);
  if (want.destinationRanges && !rangesEqual(live.destinationRanges, want.destinationRanges)) {
    diffs.push(`destinationRanges ${(live.destinationRanges ?? []).join(",")} (want ${want.destinationRanges.join(",")})`);
  }
  if ([...(live.targetTags ?? [])].sort().join(",") !== [...(want.targetTags ?? [])].sort().join(","))
    diffs.push(`targetTags ${(live.targetTags ?? []).join(",")} (want quarantine)`);
  if (live.disabled) diffs.push("disabled");
  return diffs;
}

/** The playbook's gcloud flags for a rule, in its order. */
export function gcloudFlags(rule: Firewall, network: string): [string, string][] {
  const action = rule.allowed?.length ? "allow" : "deny";
  const rules = (rule.allowed?.length ? rule.allowed : rule.denied)!
    .map((r) => (r.ports?.length ? `${r.IPProtocol}:${r.ports.join(",")}` : r.IPProtocol!))
    .join(",");
  const flags: [string, string][] = [
    ["--network", network],
    ["--action", action],
    ["--direction", String(rule.direction).toLowerCase()],
    ["--rules", rules],
  ];
  if (rule.destinationRanges?.length) flags.push(["--destination-ranges", rule.destinationRanges.join(",")]);
  if (rule.sourceRanges?.length) flags.push(["--source-ranges", rule.sourceRanges.join(",")]);
  flags.push(["--priority", String(rule.priority)], ["--target-tags", (rule.targetTags ?? []).join(",")]);
  return flags;
}

/** One rule of a VM's effective firewalls, as firewall-isolate and attest-isolation record it. */
export const effectiveSummarySchema = z.array(
  z.object({ name: z.string(), direction: z.string(), priority: z.number(), action: z.string(), rules: z.string(), ranges: z.string() }),
);
export type EffectiveSummary = z.output<typeof effectiveSummarySchema>;

/**
 * The VM's subnetwork when it is dual-stack (stackType IPV4_IPV6 or IPV6_ONLY), else null: then
 * its nodes have IPv6 addresses the IPv4 rules do not cover.
 */
export async function dualStackSubnet(ref: InstanceRef): Promise<string | null> {
  const vm = await gcpReadOrNull(async () => (await computeClients().instances.get({ project: ref.project, zone: ref.zone, instance: ref.name }))[0]);
  const url = vm?.networkInterfaces?.[0]?.subnetwork;
  const m = url ? /regions\/([^/]+)\/subnetworks\/([^/]+)$/.exec(url) : null;
  if (!m) return null;
  const subnet = await gcpReadOrNull(async () => (await computeClients().subnetworks.get({ project: ref.project, region: m[1], subnetwork: m[2] }))[0]);
  const stack = String(subnet?.stackType ?? "IPV4_ONLY");
  return stack === "IPV4_IPV6" || stack === "IPV6_ONLY" ? m[2] : null;
}

export async function effectiveFirewalls(ref: InstanceRef): Promise<EffectiveSummary | null> {
  try {
    const [res] = await withRetry(() =>
      computeClients().instances.getEffectiveFirewalls({ project: ref.project, zone: ref.zone, instance: ref.name, networkInterface: "nic0" }),
    );
    return (res.firewalls ?? []).map((f) => ({
      name: f.name ?? "",
      direction: String(f.direction ?? ""),
      priority: f.priority ?? 1000,
      action: f.allowed?.length ? "allow" : "deny",
      rules: (f.allowed?.length ? f.allowed : (f.denied ?? [])).map((r) => (r.ports?.length ? `${r.IPProtocol}:${r.ports.join(",")}` : r.IPProtocol)).join(","),
      ranges: (String(f.direction) === "EGRESS" ? f.destinationRanges : f.sourceRanges)?.join(",") ?? "",
    }));
  } catch {
    return null;
  }
}
