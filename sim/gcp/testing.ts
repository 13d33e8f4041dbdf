import { World } from "../world";
import { addGkeCluster, addNetwork, addNode, seedClusterBasics } from "../scenarios/infra";
import { dispatchCompute, type ComputeAnswer } from "./compute/router";
import type { GcpJson } from "./state";

// In-process fixtures for the Google API unit tests: a small project built with the same
// scenario blocks as the real scenarios (no HTTP, no controllers), and a caller that goes
// through the same dispatch as HTTP and batch requests.

export interface TestProject {
  world: World;
  project: string;
  /** "zone/name" of each node instance */
  nodes: { zone: string; name: string }[];
  call(method: string, rest: string, body?: unknown): ComputeAnswer;
  /** like call, but fails the test on a non-200 answer */
  ok(method: string, rest: string, body?: unknown): GcpJson;
}

export function testProject(seed = 7): TestProject {
  const world = new World({ scenario: "empty", seed, netpolDelaySeconds: 300 }, "acme-test", "123456789012");
  addNetwork(world);
  const cluster = world.addCluster("payments", "us-central1-a");
  addGkeCluster(world, cluster, { datapathProvider: "ADVANCED_DATAPATH", calicoEnabled: false, autopilot: false, autoRepair: true }, ["us-central1-a"]);
  seedClusterBasics(cluster, []);
  const nodes = [0, 1].map((index) => ({ zone: "us-central1-a", name: addNode(world, cluster, { zone: "us-central1-a", index }) }));
  const call = (method: string, rest: string, body?: unknown): ComputeAnswer => {
    const [path, qs] = rest.split("?");
    return dispatchCompute(
      world,
      method,
      `/compute/v1/projects/${world.project}${path ? `/${path}` : ""}`,
      new URLSearchParams(qs ?? ""),
      body === undefined ? "" : JSON.stringify(body),
    );
  };
  const ok = (method: string, rest: string, body?: unknown): GcpJson => {
    const answer = call(method, rest, body);
    if (answer.status !== 200) throw new Error(`${method} ${rest} → ${answer.status} ${JSON.stringify(answer.body)}`);
    return answer.body;
  };
  return { world, project: world.project, nodes, call, ok };
}

/** The demo's two GKE shapes without nodes: payments (zonal, Dataplane V2), storefront (regional, legacy). */
export function twoClusters(): World {
  const w = new World({ scenario: "empty", seed: 3, netpolDelaySeconds: 300 }, "acme-test", "1234");
  addNetwork(w);
  addGkeCluster(
    w,
    w.addCluster("payments", "us-central1-a"),
    { datapathProvider: "ADVANCED_DATAPATH", calicoEnabled: false, autopilot: false, autoRepair: true },
    ["us-central1-a"],
  );
  addGkeCluster(
    w,
    w.addCluster("storefront", "us-central1"),
    { datapathProvider: "LEGACY_DATAPATH", calicoEnabled: false, autopilot: false, autoRepair: true },
    ["us-central1-a", "us-central1-b", "us-central1-c"],
  );
  return w;
}
