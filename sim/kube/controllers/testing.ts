import { World } from "../../world";
import type { SimCluster } from "../cluster";
import type { KObject } from "../types";
import { addGkeCluster, addNetwork, addNode, seedApiServerEndpoints, seedClusterBasics } from "../../scenarios/infra";
import { reconcileNow, startControllers } from "./index";
import type { ControllerManager } from "./manager";

// An in-process cluster for controller tests: nodes, a `shop` namespace and live controllers
// whose queues the test drains itself, with simulated time moved explicitly.

export interface TestCluster {
  world: World;
  cluster: SimCluster;
  m: ControllerManager;
  nodes: string[];
  /** Drains every queue. */
  settle(): void;
  /** Moves simulated time forward and drains. */
  advance(seconds: number): void;
  pods(ns?: string): KObject[];
  update(key: string, ns: string | undefined, name: string, change: (o: KObject) => void): KObject;
}

export function makeTestCluster(options: { nodes?: number; seed?: number } = {}): TestCluster {
  const world = new World({ scenario: "empty", seed: options.seed ?? 7, netpolDelaySeconds: 300 }, "test-project", "123456789012");
  addNetwork(world);
  const cluster = world.addCluster("test", "us-central1-a");
  addGkeCluster(world, cluster, { datapathProvider: "ADVANCED_DATAPATH", calicoEnabled: false, autopilot: false, autoRepair: true }, ["us-central1-a"]);
  seedClusterBasics(cluster, ["shop"]);
  seedApiServerEndpoints(world, cluster);
  const nodes: string[] = [];
  for (let i = 0; i < (options.nodes ?? 3); i++) nodes.push(addNode(world, cluster, { zone: "us-central1-a", index: i }));
  const m = reconcileNow(world, cluster);
  startControllers(world, cluster);
  const t: TestCluster = {
    world,
    cluster,
    m,
    nodes,
    settle: () => m.drain(),
    advance: (seconds) => {
      world.clock.advance(seconds);
      m.drain();
    },
    pods: (ns = "shop") => cluster.store.list("pods", { namespace: ns }),
    update: (key, ns, name, change) => {
      const next = structuredClone(cluster.store.mustGet(key, ns, name));
      change(next);
      delete next.metadata.resourceVersion;
      return cluster.store.update(key, next);
    },
  };
  return t;
}

export function eventsFor(cluster: SimCluster, name: string, reason?: string): KObject[] {
  const out: KObject[] = [];
  for (const ns of cluster.store.scan("namespaces")) {
    for (const e of cluster.store.scan("events", { namespace: ns.metadata.name })) {
      const inv = e.involvedObject as { name: string };
      if (inv.name === name && (!reason || e.reason === reason)) out.push(e);
    }
  }
  return out;
}
