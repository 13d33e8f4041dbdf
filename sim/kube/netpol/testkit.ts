import { World } from "../../world";
import { addGkeCluster, seedClusterBasics, type GkeFacts } from "../../scenarios/infra";
import type { SimCluster } from "../cluster";
import type { KObject } from "../types";

// Small in-process fixtures for the netpol and pods tests: a world with one cluster whose GKE
// facts the test chooses, and pods written straight into the store as the kubelet leaves them.

export function testWorld(facts: Partial<GkeFacts> = {}, delaySeconds = 300): { world: World; cluster: SimCluster } {
  const world = new World({ scenario: "empty", seed: 7, netpolDelaySeconds: delaySeconds }, "test-proj", "123");
  const cluster = world.addCluster("t", "us-central1-a");
  addGkeCluster(world, cluster, { datapathProvider: "ADVANCED_DATAPATH", calicoEnabled: false, autopilot: false, autoRepair: true, ...facts }, [
    "us-central1-a",
  ]);
  seedClusterBasics(cluster, ["shop", "other"]);
  return { world, cluster };
}

export interface PodFixture {
  namespace?: string;
  name: string;
  labels?: Record<string, string>;
  ip?: string;
  containers?: { name: string; image?: string; command?: string[]; args?: string[]; ports?: { name?: string; containerPort: number; protocol?: string }[] }[];
  phase?: string;
  restartPolicy?: string;
}

export function addRunningPod(cluster: SimCluster, f: PodFixture): KObject {
  const containers = (f.containers ?? [{ name: "app", ports: [{ name: "http", containerPort: 8080 }] }]).map((c) => ({ image: "busybox:1.36", ...c }));
  const started = "2026-01-01T00:00:00Z";
  return cluster.store.create("pods", {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name: f.name, namespace: f.namespace ?? "shop", labels: f.labels ?? {} },
    spec: { nodeName: "node-a", containers, restartPolicy: f.restartPolicy ?? "Always" },
    status: {
      phase: f.phase ?? "Running",
      podIP: f.ip,
      podIPs: f.ip ? [{ ip: f.ip }] : [],
      startTime: started,
      containerStatuses: containers.map((c) => ({
        name: c.name,
        image: c.image,
        imageID: `docker.io/library/${c.image}@sha256:${"a".repeat(64)}`,
        containerID: `containerd://${"b".repeat(64)}`,
        ready: (f.phase ?? "Running") === "Running",
        started: (f.phase ?? "Running") === "Running",
        restartCount: 0,
        state: (f.phase ?? "Running") === "Running" ? { running: { startedAt: started } } : { waiting: { reason: "ContainerCreating" } },
        lastState: {},
      })),
    },
  });
}

export function addPolicy(cluster: SimCluster, namespace: string, name: string, spec: Record<string, unknown>): KObject {
  return cluster.store.create("networking.k8s.io/networkpolicies", {
    apiVersion: "networking.k8s.io/v1",
    kind: "NetworkPolicy",
    metadata: { name, namespace },
    spec,
  });
}
