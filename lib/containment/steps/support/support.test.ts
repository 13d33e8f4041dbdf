import { describe, expect, it } from "vitest";
import { addressesIn, hostInIpBlock, inIpBlock, labelsSatisfying, layerVerdict, ncResult, parseProcNetTcp, reachable } from "./attest";
import { checkSshSourceRange } from "./cidr";
import { shq } from "./commands";
import { bindingLabels } from "./labels";
import { bindingKeys, hasExclusion } from "./selectors";

describe("checkSshSourceRange", () => {
  it("accepts one address or a CIDR no wider than /24", () => {
    expect(checkSshSourceRange("203.0.113.7")).toEqual({ ok: true, range: "203.0.113.7" });
    expect(checkSshSourceRange("203.0.113.0/24").ok).toBe(true);
    expect(checkSshSourceRange("203.0.113.8/29").ok).toBe(true);
  });
  it("refuses the whole internet, wide ranges, host bits and non-IPv4 input with a reason", () => {
    expect(checkSshSourceRange("0.0.0.0/0")).toMatchObject({ ok: false, message: expect.stringMatching(/whole internet/) });
    expect(checkSshSourceRange("10.0.0.0/8")).toMatchObject({ ok: false, message: expect.stringMatching(/too wide/) });
    expect(checkSshSourceRange("203.0.113.7/24")).toMatchObject({ ok: false, message: expect.stringMatching(/203\.0\.113\.0\/24/) });
    expect(checkSshSourceRange("::1").ok).toBe(false);
    expect(checkSshSourceRange("").ok).toBe(false);
    expect(checkSshSourceRange("256.1.1.1").ok).toBe(false);
  });
});

describe("binding labels", () => {
  const labels = { app: "checkout", tier: "backend", "pod-template-hash": "abc" };
  it("keeps labels only NetworkPolicies select by", () => {
    const b = bindingLabels(
      labels,
      [{ kind: "ReplicaSet", name: "checkout-abc", selector: { matchLabels: { app: "checkout", "pod-template-hash": "abc" } } }],
      [{ name: "checkout", selector: { app: "checkout" } }],
    );
    expect(b.map((x) => x.key)).toEqual(["app", "pod-template-hash"]);
    expect(b.find((x) => x.key === "app")?.boundBy).toEqual(["ReplicaSet checkout-abc", "Service checkout"]);
  });
  it("counts In and Exists requirements, not NotIn or DoesNotExist", () => {
    const sel = {
      matchExpressions: [
        { key: "app", operator: "In", values: ["checkout"] },
        { key: "tier", operator: "Exists" },
        { key: "quarantine", operator: "NotIn", values: ["true"] },
        { key: "canary", operator: "DoesNotExist" },
      ],
    };
    expect(bindingKeys(sel, labels).sort()).toEqual(["app", "tier"]);
  });
  it("recognises the quarantine exclusion", () => {
    expect(hasExclusion({ matchExpressions: [{ key: "quarantine", operator: "NotIn", values: ["true"] }] })).toBe(true);
    expect(hasExclusion({ matchLabels: { tier: "backend" } })).toBe(false);
  });
});

describe("shell quoting", () => {
  it("quotes only what the shell would misread", () => {
    expect(shq("quarantine=true")).toBe("quarantine=true");
    expect(shq("--pod-selector=!quarantine")).toBe("'--pod-selector=!quarantine'");
    expect(shq("it's")).toBe(`'it'\\''s'`);
  });
});

describe("attestation pieces", () => {
  it("reads busybox nc: open is connected, a refusal is reachable, only a timeout is a drop", () => {
    expect(ncResult({ stdout: "", stderr: "10.4.2.4 (10.4.2.4:8080) open\n", exitCode: 0 }).result).toBe("connected");
    expect(ncResult({ stdout: "", stderr: "nc: 10.4.2.4 (10.4.2.4:8080): Connection refused\n", exitCode: 1 })).toMatchObject({ result: "refused" });
    expect(ncResult({ stdout: "", stderr: "nc: 10.4.2.4 (10.4.2.4:8080): Connection timed out\n", exitCode: 1 }).result).toBe("timeout");
    expect(ncResult({ stdout: "", stderr: "nc: bad address 'x'\n", exitCode: 1 })).toMatchObject({ result: "error", detail: /did not resolve/ });
    expect(ncResult({ stdout: "", stderr: "", exitCode: 127 })).toMatchObject({ result: "error", detail: /nc could not run \(exit 127\)/ });
    // At one -v busybox prints nothing for a refusal: exit 1 and silence.
    expect(ncResult({ stdout: "", stderr: "", exitCode: 1 })).toMatchObject({ result: "refused", detail: /no refusal at one -v/ });
    expect(reachable("refused")).toBe(true);
    expect(reachable("timeout")).toBe(false);
  });

  it('reads busybox nc over UDP: silence (exit 0, "open") is no-reply, an ICMP port-unreachable is a refusal', () => {
    const silent = ncResult({ stdout: "", stderr: "10.8.0.10 (10.8.0.10:53) open\n", exitCode: 0 }, "UDP");
    expect(silent).toMatchObject({ result: "no-reply", detail: /UDP: silence is not proof/ });
    expect(ncResult({ stdout: "", stderr: "", exitCode: 1 }, "UDP").result).toBe("refused");
    expect(ncResult({ stdout: "", stderr: "nc: 10.8.0.10 (10.8.0.10:53): Connection refused\n", exitCode: 1 }, "UDP")).toMatchObject({
      result: "refused",
      detail: /ICMP port-unreachable/,
    });
    expect(ncResult({ stdout: "", stderr: "nc: 10.8.0.10 (10.8.0.10:53): Connection timed out\n", exitCode: 1 }, "UDP").result).toBe("no-reply");
    expect(reachable("no-reply")).toBe(false);
  });

  it("decodes /proc/net/tcp: listeners, an established flow, a stalled one", () => {
    const text = [
      "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode",
      "   0: 00000000:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000 10001        0 1 1",
      "   1: 0402040A:A938 176433C6:0D05 01 000002B0:00000000 01:000007D0 00000005 10001        0 2 1",
    ].join("\n");
    expect(parseProcNetTcp(text)).toEqual([
      { local: "0.0.0.0:8080", remote: "0.0.0.0:0", state: "listen", txQueue: 0, retransmitTimer: false },
      { local: "10.4.2.4:43320", remote: "198.51.100.23:3333", state: "established", txQueue: 0x2b0, retransmitTimer: true },
    ]);
  });

  it("finds the addresses a log names, and stands a probe in a peer's selector", () => {
    expect(addressesIn("connecting to 198.51.100.23:3333 ... 127.0.0.1:80 999.1.1.1:5 10.8.0.1:443")).toEqual([
      { ip: "198.51.100.23", port: 3333 },
      { ip: "10.8.0.1", port: 443 },
    ]);
    expect(labelsSatisfying({ matchLabels: { app: "frontend" }, matchExpressions: [{ key: "tier", operator: "In", values: ["web"] }] })).toEqual({
      app: "frontend",
      tier: "web",
    });
    expect(
      labelsSatisfying({
        matchExpressions: [
          { key: "team", operator: "Exists" },
          { key: "quarantine", operator: "DoesNotExist" },
        ],
      }),
    ).toEqual({ team: "airlock-probe" });
    expect(labelsSatisfying({ matchExpressions: [{ key: "app", operator: "In", values: [] }] })).toBeNull();
    expect(hostInIpBlock({ cidr: "10.0.0.0/30", except: ["10.0.0.1/32"] })).toBe("10.0.0.2");
    expect(inIpBlock("10.0.0.1", { cidr: "10.0.0.0/30", except: ["10.0.0.1/32"] })).toBe(false);
  });

  it("calls a layer isolated only when every probe timed out", () => {
    const p = (result: "connected" | "refused" | "timeout" | "error") => ({ source: "s", target: "t", port: 1, protocol: "TCP", result });
    expect(layerVerdict("ingress", [p("timeout"), p("refused")]).state).toBe("not-isolated");
    expect(layerVerdict("ingress", [p("timeout"), p("error")]).state).toBe("unknown");
    expect(layerVerdict("egress", []).state).toBe("unknown");
    expect(layerVerdict("egress", [p("timeout")], ["kube-dns"])).toEqual({
      state: "isolated",
      why: "Every egress probe (1) timed out: the packets were dropped. Not covered: kube-dns.",
    });
  });

  it("lets TCP decide: UDP silence neither reddens a TCP-proven isolation nor proves one, and says so", () => {
    const udp = (result: "no-reply" | "refused", port = 53) => ({ source: "pod", target: "10.8.0.10", port, protocol: "UDP", result });
    const tcp = { source: "pod", target: "198.51.100.23", port: 3333, protocol: "TCP", result: "timeout" as const };
    expect(layerVerdict("egress", [tcp, udp("no-reply"), udp("no-reply", 5353)])).toEqual({
      state: "isolated",
      why: "Every TCP egress probe (1) timed out: the packets were dropped. UDP not provable by probe: 2 probe(s) (10.8.0.10:53/udp, 10.8.0.10:5353/udp) heard nothing back, and UDP silence is not proof.",
    });
    const onlyUdp = layerVerdict("ingress", [udp("no-reply")]);
    expect(onlyUdp.state).toBe("unknown");
    expect(onlyUdp.why).toMatch(/^Only UDP was probed on ingress: UDP not provable by probe: 1 probe\(s\).* Isolation is not proven by probe\.$/);
    // An ICMP port-unreachable is a reply from the far end: reachable.
    expect(layerVerdict("egress", [tcp, udp("refused")]).state).toBe("not-isolated");
  });
});
