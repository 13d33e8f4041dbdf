import { describe, expect, it } from "vitest";
import { isAllowed } from "./evaluate";
import { netpolEnforcement } from "./enforcement";
import { addPolicy, addRunningPod, testWorld } from "./testkit";

function fixture(delay = 0) {
  const { world, cluster } = testWorld({}, delay);
  const client = addRunningPod(cluster, { name: "client", labels: { app: "client" }, ip: "10.4.0.10" });
  const checkout = addRunningPod(cluster, {
    name: "checkout-1",
    labels: { app: "checkout", tier: "backend", quarantine: "true" },
    ip: "10.4.0.20",
    containers: [
      {
        name: "app",
        ports: [
          { name: "http", containerPort: 8080 },
          { name: "metrics", containerPort: 9090 },
        ],
      },
    ],
  });
  const stranger = addRunningPod(cluster, { namespace: "other", name: "stranger", labels: { app: "client" }, ip: "10.4.1.5" });
  return { world, cluster, client, checkout, stranger };
}

const denyAllQuarantine = {
  podSelector: { matchLabels: { quarantine: "true" } },
  policyTypes: ["Ingress", "Egress"],
};

describe("isolation", () => {
  it("allows everything when no policy selects either pod", () => {
    const { world, cluster, client, checkout } = fixture();
    const v = isAllowed(cluster, world, { src: { pod: client }, dst: { pod: checkout }, port: 8080 });
    expect(v.allowed).toBe(true);
    expect(v.reason).toMatch(/not isolated/);
  });

  it("denies both directions once a deny-all selects the pod", () => {
    const { world, cluster, client, checkout } = fixture();
    addPolicy(cluster, "shop", "default-deny", denyAllQuarantine);
    expect(isAllowed(cluster, world, { src: { pod: client }, dst: { pod: checkout }, port: 8080 }).allowed).toBe(false);
    const out = isAllowed(cluster, world, { src: { pod: checkout }, dst: { ip: "8.8.8.8" }, port: 53, protocol: "UDP" });
    expect(out.allowed).toBe(false);
    expect(out.egress?.isolatedBy).toEqual(["shop/default-deny"]);
  });

  it("defaults policyTypes to Ingress only when there are no egress rules", () => {
    const { world, cluster, client, checkout } = fixture();
    addPolicy(cluster, "shop", "ingress-only", { podSelector: { matchLabels: { app: "checkout" } } });
    expect(isAllowed(cluster, world, { src: { pod: client }, dst: { pod: checkout }, port: 8080 }).allowed).toBe(false);
    expect(isAllowed(cluster, world, { src: { pod: checkout }, dst: { pod: client }, port: 8080 }).allowed).toBe(true);
  });

  it("adds Egress to the default policyTypes when egress rules exist", () => {
    const { world, cluster, client, checkout } = fixture();
    addPolicy(cluster, "shop", "egress-dns", {
      podSelector: { matchLabels: { app: "checkout" } },
      egress: [{ ports: [{ protocol: "UDP", port: 53 }] }],
    });
    expect(isAllowed(cluster, world, { src: { pod: checkout }, dst: { pod: client }, port: 8080 }).allowed).toBe(false);
    expect(isAllowed(cluster, world, { src: { pod: checkout }, dst: { ip: "10.8.0.10" }, port: 53, protocol: "UDP" }).allowed).toBe(true);
    // Ingress is isolated too (default type) with no ingress rules: deny all.
    expect(isAllowed(cluster, world, { src: { pod: client }, dst: { pod: checkout }, port: 8080 }).allowed).toBe(false);
  });
});

describe("additive policies (ERRATA 3)", () => {
  it("an existing allow policy defeats the quarantine deny-all", () => {
    const { world, cluster, client, checkout } = fixture();
    addPolicy(cluster, "shop", "allow-backend", {
      podSelector: { matchLabels: { tier: "backend" } },
      ingress: [{ from: [{ podSelector: { matchLabels: { app: "client" } } }], ports: [{ port: 8080 }] }],
    });
    addPolicy(cluster, "shop", "default-deny", denyAllQuarantine);
    const v = isAllowed(cluster, world, { src: { pod: client }, dst: { pod: checkout }, port: 8080 });
    expect(v.allowed).toBe(true);
    expect(v.ingress?.allowedBy).toEqual(["shop/allow-backend"]);
    expect(v.ingress?.isolatedBy.sort()).toEqual(["shop/allow-backend", "shop/default-deny"]);
  });

  it("excluding quarantined pods from the allow policy restores the deny", () => {
    const { world, cluster, client, checkout } = fixture();
    addPolicy(cluster, "shop", "allow-backend", {
      podSelector: { matchLabels: { tier: "backend" }, matchExpressions: [{ key: "quarantine", operator: "NotIn", values: ["true"] }] },
      ingress: [{ from: [{ podSelector: { matchLabels: { app: "client" } } }] }],
    });
    addPolicy(cluster, "shop", "default-deny", denyAllQuarantine);
    const v = isAllowed(cluster, world, { src: { pod: client }, dst: { pod: checkout }, port: 8080 });
    expect(v.allowed).toBe(false);
    expect(v.reason).toMatch(/denied: .*isolated by shop\/default-deny/);
  });
});

describe("peers and ports", () => {
  it("podSelector alone is namespace-local; namespaceSelector reaches other namespaces", () => {
    const { world, cluster, checkout, stranger, client } = fixture();
    addPolicy(cluster, "shop", "from-clients", {
      podSelector: { matchLabels: { app: "checkout" } },
      ingress: [{ from: [{ podSelector: { matchLabels: { app: "client" } } }] }],
    });
    expect(isAllowed(cluster, world, { src: { pod: client }, dst: { pod: checkout }, port: 8080 }).allowed).toBe(true);
    expect(isAllowed(cluster, world, { src: { pod: stranger }, dst: { pod: checkout }, port: 8080 }).allowed).toBe(false);
    addPolicy(cluster, "shop", "from-other-ns", {
      podSelector: { matchLabels: { app: "checkout" } },
      ingress: [
        { from: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "other" } }, podSelector: { matchLabels: { app: "nobody" } } }] },
      ],
    });
    expect(isAllowed(cluster, world, { src: { pod: stranger }, dst: { pod: checkout }, port: 8080 }).allowed).toBe(false);
    addPolicy(cluster, "shop", "from-other-ns-any", {
      podSelector: { matchLabels: { app: "checkout" } },
      ingress: [{ from: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "other" } } }] }],
    });
    expect(isAllowed(cluster, world, { src: { pod: stranger }, dst: { pod: checkout }, port: 8080 }).allowed).toBe(true);
  });

  it("ipBlock honours except, and an external address is judged on egress only", () => {
    const { world, cluster, checkout } = fixture();
    addPolicy(cluster, "shop", "egress-web", {
      podSelector: { matchLabels: { app: "checkout" } },
      policyTypes: ["Egress"],
      egress: [{ to: [{ ipBlock: { cidr: "0.0.0.0/0", except: ["169.254.169.254/32", "10.0.0.0/8"] } }], ports: [{ port: 443 }] }],
    });
    const out = (ip: string, port = 443) => isAllowed(cluster, world, { src: { pod: checkout }, dst: { ip }, port }).allowed;
    expect(out("93.184.216.34")).toBe(true);
    expect(out("93.184.216.34", 80)).toBe(false);
    expect(out("169.254.169.254")).toBe(false);
    expect(out("10.4.0.10")).toBe(false);
    const v = isAllowed(cluster, world, { src: { ip: "203.0.113.9" }, dst: { pod: checkout }, port: 8080 });
    expect(v.allowed).toBe(true);
    expect(v.reason).toMatch(/not a pod/);
  });

  it("named ports resolve against the destination pod, endPort makes a range, protocol must match", () => {
    const { world, cluster, client, checkout } = fixture();
    addPolicy(cluster, "shop", "named", {
      podSelector: { matchLabels: { app: "checkout" } },
      ingress: [{ ports: [{ port: "metrics" }] }, { ports: [{ port: 30000, endPort: 30010 }] }],
    });
    const to = (port: number, protocol?: "TCP" | "UDP") => isAllowed(cluster, world, { src: { pod: client }, dst: { pod: checkout }, port, protocol }).allowed;
    expect(to(9090)).toBe(true);
    expect(to(8080)).toBe(false);
    expect(to(30005)).toBe(true);
    expect(to(30011)).toBe(false);
    expect(to(9090, "UDP")).toBe(false);
  });

  it("an empty rule admits everything, an empty rule list admits nothing", () => {
    const { world, cluster, client, checkout } = fixture();
    addPolicy(cluster, "shop", "none", { podSelector: {}, ingress: [] });
    expect(isAllowed(cluster, world, { src: { pod: client }, dst: { pod: checkout }, port: 8080 }).allowed).toBe(false);
    addPolicy(cluster, "shop", "all", { podSelector: { matchLabels: { app: "checkout" } }, ingress: [{}] });
    expect(isAllowed(cluster, world, { src: { pod: client }, dst: { pod: checkout }, port: 8080 }).allowed).toBe(true);
  });

  it("resolves a destination IP to its pod", () => {
    const { world, cluster, client } = fixture();
    addPolicy(cluster, "shop", "default-deny", denyAllQuarantine);
    const v = isAllowed(cluster, world, { src: { pod: client }, dst: { ip: "10.4.0.20" }, port: 8080 });
    expect(v.dstPod).toBe("shop/checkout-1");
    expect(v.allowed).toBe(false);
  });
});

describe("propagation delay and enforcement", () => {
  it("a policy takes effect only netpolDelaySeconds after creation", () => {
    const { world, cluster, client, checkout } = fixture(300);
    addPolicy(cluster, "shop", "default-deny", denyAllQuarantine);
    const check = () => isAllowed(cluster, world, { src: { pod: client }, dst: { pod: checkout }, port: 8080 });
    expect(check().allowed).toBe(true);
    expect(check().ingress?.pending[0].name).toBe("shop/default-deny");
    world.clock.advance(299);
    expect(check().allowed).toBe(true);
    world.clock.advance(2);
    expect(check().allowed).toBe(false);
    world.stop();
  });

  it("reads enforcement from the GKE description (ERRATA 4)", () => {
    const cases: [Parameters<typeof testWorld>[0], boolean][] = [
      [{ datapathProvider: "ADVANCED_DATAPATH" }, true],
      [{ datapathProvider: "LEGACY_DATAPATH", calicoEnabled: true }, true],
      [{ datapathProvider: "LEGACY_DATAPATH", calicoEnabled: false }, false],
      [{ datapathProvider: "LEGACY_DATAPATH", autopilot: true }, true],
    ];
    for (const [facts, enforced] of cases) {
      const { world, cluster } = testWorld(facts);
      expect(netpolEnforcement(world, cluster).enforced).toBe(enforced);
    }
    const { world, cluster } = testWorld({ datapathProvider: "LEGACY_DATAPATH", calicoEnabled: true });
    world.gcp.gkeClusters.get("us-central1-a/t")!.addonsConfig.networkPolicyConfig = { disabled: true };
    expect(netpolEnforcement(world, cluster)).toMatchObject({ enforced: false, reason: expect.stringMatching(/disabled/) });
  });

  it("allows everything on a cluster that does not enforce", () => {
    const { world, cluster } = testWorld({ datapathProvider: "LEGACY_DATAPATH", calicoEnabled: false }, 0);
    const a = addRunningPod(cluster, { name: "a", ip: "10.4.0.2", labels: { quarantine: "true" } });
    const b = addRunningPod(cluster, { name: "b", ip: "10.4.0.3" });
    addPolicy(cluster, "shop", "default-deny", denyAllQuarantine);
    const v = isAllowed(cluster, world, { src: { pod: b }, dst: { pod: a }, port: 8080 });
    expect(v).toMatchObject({ allowed: true, enforced: false });
  });
});
