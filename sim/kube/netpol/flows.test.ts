import { describe, expect, it } from "vitest";
import { addPolicy, addRunningPod, testWorld } from "./testkit";
import { addEstablishedFlow, flowViews, procNetTcp, RETRANSMIT_GIVE_UP_S } from "./flows";
import type { World } from "../../world";
import type { SimCluster } from "../cluster";
import type { GkeFacts } from "../../scenarios/infra";

// A deny-all egress policy against a pod that already holds a connection to a mining pool:
// whether the connection is cut is the datapath's decision, not the policy's.

function setup(facts: Partial<GkeFacts> = {}): { world: World; cluster: SimCluster } {
  const { world, cluster } = testWorld(facts, 5);
  const pod = addRunningPod(cluster, { name: "victim", ip: "10.4.0.10", labels: { app: "checkout" } });
  addEstablishedFlow(cluster, {
    namespace: "shop",
    pod: "victim",
    podUid: pod.metadata.uid!,
    container: "app",
    restartCount: 0,
    process: "kworkerd",
    protocol: "TCP",
    localIp: "10.4.0.10",
    localPort: 43512,
    remoteIp: "198.51.100.23",
    remotePort: 3333,
    establishedAt: world.clock.now() - 60_000,
  });
  return { world, cluster };
}

const denyAll = (cluster: SimCluster) =>
  addPolicy(cluster, "shop", "quarantine-deny-all", { podSelector: { matchLabels: { app: "checkout" } }, policyTypes: ["Ingress", "Egress"] });
const flowLine = (text: string) => text.split("\n").find((l) => l.includes(":0D05 ") || l.includes(":0D05"));

describe("established flows", () => {
  it("Dataplane V2: cut once the deny is programmed; the pod's socket then stalls and finally closes", () => {
    const { world, cluster } = setup();
    expect(flowViews(world, cluster)[0]).toMatchObject({
      state: "established",
      datapath: "dataplane-v2",
      remoteAddress: "198.51.100.23:3333",
      localAddress: "10.4.0.10:43512",
    });
    denyAll(cluster);
    // Not programmed yet (netpolDelaySeconds 5): still established.
    expect(flowViews(world, cluster)[0].state).toBe("established");
    world.clock.advance(6);
    const cut = flowViews(world, cluster)[0];
    expect(cut.state).toBe("dropping");
    expect(cut.cutAt).toBeDefined();
    // From inside the pod (addresses little-endian as the kernel prints them: 127.0.0.1 is 0100007F): still ESTABLISHED (01), bytes unacknowledged, retransmit timer on.
    const pod = cluster.store.get("pods", "shop", "victim")!;
    const line = flowLine(procNetTcp(world, cluster, pod))!;
    expect(line).toMatch(/ 0A00040A:A9F8 176433C6:0D05 01 000002B0:00000000 01:/);
    world.clock.advance(RETRANSMIT_GIVE_UP_S);
    expect(flowViews(world, cluster)[0]).toMatchObject({ state: "closed" });
    // The miner's reconnect attempt: SYN_SENT, never answered.
    expect(flowLine(procNetTcp(world, cluster, pod))).toMatch(/ 176433C6:0D05 02 /);
    // Deleting the policy afterwards does not bring the connection back.
    cluster.store.remove("networking.k8s.io/networkpolicies", "shop", "quarantine-deny-all");
    expect(flowViews(world, cluster)[0].state).toBe("closed");
  });

  it("legacy datapath without enforcement: the flow survives the deny", () => {
    const { world, cluster } = setup({ datapathProvider: "LEGACY_DATAPATH" });
    denyAll(cluster);
    world.clock.advance(3600);
    const v = flowViews(world, cluster)[0];
    expect(v).toMatchObject({ state: "established", datapath: "none" });
    expect(flowLine(procNetTcp(world, cluster, cluster.store.get("pods", "shop", "victim")!))).toMatch(/ 0A00040A:A9F8 176433C6:0D05 01 00000000:00000000 02:/);
  });

  it("Calico: enforced for new connections, but the tracked flow survives", () => {
    const { world, cluster } = setup({ datapathProvider: "LEGACY_DATAPATH", calicoEnabled: true });
    denyAll(cluster);
    world.clock.advance(3600);
    expect(flowViews(world, cluster)[0]).toMatchObject({ state: "established", datapath: "calico" });
  });

  it("ends with its pod", () => {
    const { world, cluster } = setup({ datapathProvider: "LEGACY_DATAPATH" });
    cluster.store.remove("pods", "shop", "victim");
    expect(flowViews(world, cluster)[0]).toMatchObject({ state: "closed", reason: "its pod is gone" });
  });

  it("lists the pod's listeners in /proc/net/tcp", () => {
    const { world, cluster } = setup();
    const text = procNetTcp(world, cluster, cluster.store.get("pods", "shop", "victim")!);
    expect(text.split("\n")[0]).toContain("local_address rem_address   st tx_queue rx_queue");
    expect(text).toMatch(/ 0: 00000000:1F90 00000000:0000 0A /);
  });
});
