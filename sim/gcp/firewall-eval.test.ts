import { describe, expect, it } from "vitest";
import { evaluateFirewall, firewallAppliesToInstance, ipInCidr, normalizeProtocol, type Connection } from "./firewall-eval";
import type { GcpJson } from "./state";

const NET = "https://www.googleapis.com/compute/v1/projects/p/global/networks/default";
const node: GcpJson = {
  name: "node-1",
  tags: { items: ["gke-payments-1234abcd-node", "quarantine"] },
  networkInterfaces: [{ name: "nic0", network: NET, networkIP: "10.128.0.5" }],
  serviceAccounts: [{ email: "nodes@p.iam.gserviceaccount.com" }],
};
const fw = (name: string, extra: GcpJson): GcpJson => ({ name, network: NET, priority: 1000, direction: "INGRESS", ...extra });
const ssh = (remoteIp: string): Connection => ({ direction: "INGRESS", protocol: "tcp", port: 22, remoteIp });

describe("evaluateFirewall", () => {
  it("falls back to the implied rules: egress allowed, ingress denied", () => {
    expect(evaluateFirewall([], node, { direction: "EGRESS", protocol: "udp", port: 53, remoteIp: "8.8.8.8" })).toMatchObject({
      action: "allow",
      rule: { name: "implied-allow-egress", priority: 65535 },
    });
    expect(evaluateFirewall([], node, ssh("1.2.3.4"))).toMatchObject({ action: "deny", rule: { name: "implied-deny-ingress", priority: 65535 } });
  });

  it("lets the lowest priority number win (0 is the highest)", () => {
    const rules = [
      fw("deny-1", { priority: 1, denied: [{ IPProtocol: "tcp" }], sourceRanges: ["0.0.0.0/0"], targetTags: ["quarantine"] }),
      fw("allow-0", { priority: 0, allowed: [{ IPProtocol: "tcp", ports: ["22"] }], sourceRanges: ["203.0.113.7/32"], targetTags: ["quarantine"] }),
    ];
    expect(evaluateFirewall(rules, node, ssh("203.0.113.7"))).toMatchObject({ action: "allow", rule: { name: "allow-0" } });
    // Someone else's SSH falls through the narrow allow to the deny.
    expect(evaluateFirewall(rules, node, ssh("198.51.100.1"))).toMatchObject({ action: "deny", rule: { name: "deny-1" } });
    // Other TCP ports from the investigator are denied too: the allow only covers 22.
    expect(evaluateFirewall(rules, node, { ...ssh("203.0.113.7"), port: 443 })).toMatchObject({ action: "deny", rule: { name: "deny-1" } });
  });

  it("makes DENY beat ALLOW at equal priority (ERRATA 9), whatever the order given", () => {
    const allow = fw("allow", { priority: 0, allowed: [{ IPProtocol: "tcp", ports: ["22"] }], sourceRanges: ["203.0.113.7"] });
    const deny = fw("deny", { priority: 0, denied: [{ IPProtocol: "all" }], sourceRanges: ["0.0.0.0/0"] });
    expect(evaluateFirewall([allow, deny], node, ssh("203.0.113.7")).rule.name).toBe("deny");
    expect(evaluateFirewall([deny, allow], node, ssh("203.0.113.7")).rule.name).toBe("deny");
  });

  it("applies rules only to instances carrying one of their target tags", () => {
    const deny = fw("deny-tagged", {
      priority: 0,
      direction: "EGRESS",
      denied: [{ IPProtocol: "all" }],
      destinationRanges: ["0.0.0.0/0"],
      targetTags: ["quarantine"],
    });
    const untagged = { ...node, tags: { items: ["gke-payments-1234abcd-node"] } };
    const conn: Connection = { direction: "EGRESS", protocol: "tcp", port: 443, remoteIp: "93.184.216.34" };
    expect(evaluateFirewall([deny], node, conn).action).toBe("deny");
    expect(evaluateFirewall([deny], untagged, conn)).toMatchObject({ action: "allow", rule: { implied: true } });
    expect(firewallAppliesToInstance(fw("sa", { targetServiceAccounts: ["nodes@p.iam.gserviceaccount.com"] }), node)).toBe(true);
    expect(firewallAppliesToInstance(fw("other-net", { network: NET.replace("default", "other") }), node)).toBe(false);
  });

  it("matches protocols and ports: the playbook's TCP-only deny lets UDP and ICMP through (ERRATA 10)", () => {
    const tcpOnly = fw("egress-deny", {
      priority: 0,
      direction: "EGRESS",
      denied: [{ IPProtocol: "tcp" }],
      destinationRanges: ["0.0.0.0/0"],
      targetTags: ["quarantine"],
    });
    const out = (protocol: string, port?: number): Connection => ({ direction: "EGRESS", protocol, port, remoteIp: "198.51.100.9" });
    expect(evaluateFirewall([tcpOnly], node, out("tcp", 443)).action).toBe("deny");
    expect(evaluateFirewall([tcpOnly], node, out("udp", 53)).action).toBe("allow");
    expect(evaluateFirewall([tcpOnly], node, out("icmp")).action).toBe("allow");
    const all = { ...tcpOnly, denied: [{ IPProtocol: "all" }] };
    expect(evaluateFirewall([all], node, out("udp", 53)).action).toBe("deny");
    expect(evaluateFirewall([all], node, out("icmp")).action).toBe("deny");
    // Protocol numbers mean the same as names; port ranges are inclusive.
    const ranged = fw("r", { allowed: [{ IPProtocol: "6", ports: ["8000-8080"] }], sourceRanges: ["0.0.0.0/0"] });
    expect(evaluateFirewall([ranged], node, { ...ssh("1.1.1.1"), port: 8080 }).action).toBe("allow");
    expect(evaluateFirewall([ranged], node, { ...ssh("1.1.1.1"), port: 8081 }).action).toBe("deny");
  });

  it("ignores disabled rules and rules of the other direction", () => {
    const disabled = fw("off", { priority: 0, allowed: [{ IPProtocol: "all" }], sourceRanges: ["0.0.0.0/0"], disabled: true });
    const egress = fw("eg", { direction: "EGRESS", allowed: [{ IPProtocol: "all" }] });
    expect(evaluateFirewall([disabled, egress], node, ssh("1.1.1.1")).rule.implied).toBe(true);
  });

  it("matches ingress sources by range or by the remote instance's tags", () => {
    const fromTag = fw("from-tag", { allowed: [{ IPProtocol: "tcp" }], sourceTags: ["bastion"] });
    expect(evaluateFirewall([fromTag], node, { ...ssh("10.128.0.9"), remoteTags: ["bastion"] }).action).toBe("allow");
    expect(evaluateFirewall([fromTag], node, ssh("10.128.0.9")).action).toBe("deny");
  });
});

describe("helpers", () => {
  it("matches IPv4 CIDRs, with a bare address as /32", () => {
    expect(ipInCidr("10.128.4.4", "10.128.0.0/9")).toBe(true);
    expect(ipInCidr("10.0.0.1", "10.128.0.0/9")).toBe(false);
    expect(ipInCidr("203.0.113.7", "203.0.113.7")).toBe(true);
    expect(ipInCidr("203.0.113.8", "203.0.113.7")).toBe(false);
    expect(ipInCidr("1.2.3.4", "0.0.0.0/0")).toBe(true);
    expect(ipInCidr("1.2.3.4", "::/0")).toBe(false);
  });
  it("normalizes protocol names and numbers", () => {
    expect(normalizeProtocol("TCP")).toBe("tcp");
    expect(normalizeProtocol("17")).toBe("udp");
    expect(normalizeProtocol("47")).toBe("47");
  });
});
