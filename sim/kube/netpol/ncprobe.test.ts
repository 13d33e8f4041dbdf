import { describe, expect, it } from "vitest";
import { evaluateNcProbe, isNcProbePod, parseNcProbe, startNcProbe, watchNcProbes } from "./ncprobe";
import { addPolicy, addRunningPod, testWorld } from "./testkit";
import { podLogText } from "../pods/log";

describe("parseNcProbe", () => {
  it.each([
    [{ command: ["nc", "-z", "-w", "2", "10.4.1.7", "8080"] }, { host: "10.4.1.7", port: 8080, timeoutSeconds: 2, verbose: false }],
    [{ command: ["sh", "-c", "nc -z -w 2 10.4.1.7 8080"] }, { host: "10.4.1.7", port: 8080, timeoutSeconds: 2, verbose: false }],
    [{ command: ["/bin/sh", "-c", "nc -vz -w2 10.4.1.7 8080"] }, { host: "10.4.1.7", port: 8080, timeoutSeconds: 2, verbose: true, verbosity: 1 }],
    [{ command: ["nc", "-zvvu", "-w", "3", "10.4.1.7", "53"] }, { host: "10.4.1.7", port: 53, timeoutSeconds: 3, verbose: true, verbosity: 2, udp: true }],
    [
      { command: ["nc"], args: ["-zv", "10.4.1.7", "80"] },
      { host: "10.4.1.7", port: 80, verbose: true },
    ],
    [{ command: ["busybox", "nc", "-z", "-v", "-w", "5", "1.2.3.4", "443"] }, { host: "1.2.3.4", port: 443, timeoutSeconds: 5, verbose: true }],
  ])("%j", (c, expected) => {
    expect(parseNcProbe({ name: "probe", ...c })).toMatchObject({ container: "probe", ...expected });
  });

  it.each([[{ command: ["nc", "10.4.1.7", "8080"] }], [{ command: ["sleep", "3600"] }], [{ command: ["nc", "-z", "10.4.1.7"] }]])("%j is not a probe", (c) => {
    expect(parseNcProbe({ name: "x", ...c })).toBeUndefined();
  });
});

function fixture(facts = {}) {
  const { world, cluster } = testWorld(facts, 0);
  const target = addRunningPod(cluster, {
    name: "checkout",
    labels: { app: "checkout", quarantine: "true" },
    ip: "10.4.0.20",
    containers: [{ name: "app", ports: [{ name: "http", containerPort: 8080 }] }],
  });
  const probe = (name: string, args: string[]) =>
    addRunningPod(cluster, {
      name,
      labels: { app: "probe" },
      ip: `10.4.0.${30 + name.length}`,
      restartPolicy: "Never",
      containers: [{ name: "nc", command: ["nc", ...args] }],
    });
  return { world, cluster, target, probe };
}

describe("evaluateNcProbe", () => {
  it("opens, is refused on an unused port, and times out when policy drops it", () => {
    const { world, cluster, probe } = fixture();
    const src = probe("p", ["-vz", "-w", "2", "10.4.0.20", "8080"]);
    const run = (port: number) =>
      evaluateNcProbe(world, cluster, src, { container: "nc", host: "10.4.0.20", port, timeoutSeconds: 2, verbose: true, udp: false });
    expect(run(8080)).toMatchObject({ exitCode: 0, result: "open", lines: ["10.4.0.20 (10.4.0.20:8080) open"] });
    // busybox prints no line for a refusal at one -v ("give it another -v"); at -vv it does.
    expect(run(9999)).toMatchObject({ exitCode: 1, result: "refused", lines: [] });
    expect(
      evaluateNcProbe(world, cluster, src, { container: "nc", host: "10.4.0.20", port: 9999, timeoutSeconds: 2, verbose: true, verbosity: 2, udp: false }),
    ).toMatchObject({
      exitCode: 1,
      lines: ["nc: 10.4.0.20 (10.4.0.20:9999): Connection refused", "sent 0, rcvd 0"],
    });
    addPolicy(cluster, "shop", "default-deny", { podSelector: { matchLabels: { quarantine: "true" } }, policyTypes: ["Ingress", "Egress"] });
    expect(run(8080)).toMatchObject({ exitCode: 1, result: "timeout", durationMs: 2000, lines: ["nc: 10.4.0.20 (10.4.0.20:8080): Connection timed out"] });
  });

  it("reads UDP silence as open, as busybox does: a dropped datagram and an unanswered one look alike; only an ICMP unreachable fails", () => {
    const { world, cluster, probe } = fixture();
    addRunningPod(cluster, {
      name: "dns",
      labels: { app: "dns", quarantine: "true" },
      ip: "10.4.0.21",
      containers: [{ name: "dns", ports: [{ name: "dns", containerPort: 53, protocol: "UDP" }] }],
    });
    const src = probe("p", ["-zvu", "-w", "3", "10.4.0.21", "53"]);
    const run = (port: number) => evaluateNcProbe(world, cluster, src, { ...parseNcProbe(src.spec.containers[0])!, port });
    const open = { exitCode: 0, result: "open", durationMs: 3000 };
    expect(run(53)).toMatchObject({ ...open, lines: ["10.4.0.21 (10.4.0.21:53) open"] });
    // Allowed but nothing listens: the port-unreachable comes back, a refusal (silent at one -v).
    expect(run(5353)).toMatchObject({ exitCode: 1, result: "refused", lines: [] });
    addPolicy(cluster, "shop", "default-deny", { podSelector: { matchLabels: { quarantine: "true" } }, policyTypes: ["Ingress", "Egress"] });
    // Dropped: no ICMP either, so nc says open; the simulator's verdict keeps the truth.
    const dropped = run(53);
    expect(dropped).toMatchObject(open);
    expect(dropped.verdict?.allowed).toBe(false);
    expect(run(5353)).toMatchObject({ ...open, lines: ["10.4.0.21 (10.4.0.21:5353) open"] });
  });

  it("judges an external address on the source's egress only", () => {
    const { world, cluster, probe } = fixture();
    const src = probe("p", ["-z", "-w", "1", "93.184.216.34", "443"]);
    const run = () =>
      evaluateNcProbe(world, cluster, src, { container: "nc", host: "93.184.216.34", port: 443, timeoutSeconds: 1, verbose: false, udp: false });
    expect(run()).toMatchObject({ exitCode: 0, lines: [] });
    addPolicy(cluster, "shop", "probe-egress", { podSelector: { matchLabels: { app: "probe" } }, policyTypes: ["Egress"], egress: [] });
    expect(run()).toMatchObject({ exitCode: 1, result: "timeout" });
  });
});

describe("probe pods", () => {
  it("end Succeeded or Failed with the container's exit recorded and busybox's output in the log", async () => {
    const { world, cluster, probe } = fixture();
    addPolicy(cluster, "shop", "default-deny", { podSelector: { matchLabels: { quarantine: "true" } }, policyTypes: ["Ingress", "Egress"] });
    const denied = probe("denied", ["-vz", "-w", "2", "10.4.0.20", "8080"]);
    const outside = probe("outside", ["-vz", "-w", "2", "93.184.216.34", "443"]);
    expect(isNcProbePod(denied)).toBe(true);
    startNcProbe(world, cluster, denied);
    startNcProbe(world, cluster, outside);
    startNcProbe(world, cluster, outside); // a second Running update must not run it twice
    world.clock.advance(1);
    const out = cluster.store.get("pods", "shop", "outside")!;
    expect(out.status.phase).toBe("Succeeded");
    expect(out.status.containerStatuses[0].state.terminated).toMatchObject({ exitCode: 0, reason: "Completed" });
    expect(await podLogText(world, cluster, "shop", "outside", {})).toBe("93.184.216.34 (93.184.216.34:443) open\n");
    expect(cluster.store.get("pods", "shop", "denied")!.status.phase).toBe("Running");
    world.clock.advance(2);
    const d = cluster.store.get("pods", "shop", "denied")!;
    expect(d.status.phase).toBe("Failed");
    expect(d.status.containerStatuses[0].state.terminated).toMatchObject({ exitCode: 1, reason: "Error" });
    expect(d.status.containerStatuses[0].state.terminated.finishedAt).toMatch(/Z$/);
    world.stop();
  });

  it("are picked up from the store when no kubelet hook runs them", () => {
    const { world, cluster, probe } = fixture({ datapathProvider: "LEGACY_DATAPATH", calicoEnabled: false });
    addPolicy(cluster, "shop", "default-deny", { podSelector: { matchLabels: { quarantine: "true" } }, policyTypes: ["Ingress"] });
    watchNcProbes(world, cluster);
    probe("late", ["-z", "-w", "2", "10.4.0.20", "8080"]);
    world.clock.advance(1);
    // Not enforced on this cluster: the deny-all is stored but lets the probe through.
    expect(cluster.store.get("pods", "shop", "late")!.status.phase).toBe("Succeeded");
    world.stop();
  });
});

describe("Service targets", () => {
  it("resolve by cluster DNS name and ClusterIP to a backend on the target port", () => {
    const { world, cluster, probe } = fixture();
    cluster.store.create("services", {
      apiVersion: "v1",
      kind: "Service",
      metadata: { name: "checkout", namespace: "shop" },
      spec: { clusterIP: "10.8.0.50", selector: { app: "checkout" }, ports: [{ port: 80, targetPort: "http", protocol: "TCP" }] },
    });
    const src = probe("p", ["-vz", "-w", "2", "checkout.shop.svc.cluster.local", "80"]);
    const run = (host: string, port = 80) =>
      evaluateNcProbe(world, cluster, src, { container: "nc", host, port, timeoutSeconds: 2, verbose: true, udp: false });
    expect(run("checkout.shop.svc.cluster.local")).toMatchObject({ exitCode: 0, lines: ["checkout.shop.svc.cluster.local (10.8.0.50:80) open"] });
    expect(run("checkout")).toMatchObject({ exitCode: 0 });
    expect(run("10.8.0.50")).toMatchObject({ exitCode: 0 });
    expect(run("10.8.0.50", 81)).toMatchObject({ exitCode: 1, result: "refused" });
    expect(run("nothing.example.com")).toMatchObject({ exitCode: 1, lines: ["nc: bad address 'nothing.example.com'"] });
    addPolicy(cluster, "shop", "default-deny", { podSelector: { matchLabels: { quarantine: "true" } }, policyTypes: ["Ingress"] });
    // The policy applies to the backend pod behind the ClusterIP, on its target port.
    expect(run("checkout")).toMatchObject({ exitCode: 1, result: "timeout" });
  });
});
