import type { World } from "../world";
import { addGkeCluster, addNetwork, addNode, seedApiServerEndpoints, seedClusterBasics } from "./infra";

// One cluster, one node, nothing else: the smallest thing that is still a cluster.
export function buildEmptyScenario(world: World): void {
  addNetwork(world);
  const cluster = world.addCluster("sandbox", "us-central1-a");
  addGkeCluster(world, cluster, { datapathProvider: "ADVANCED_DATAPATH", calicoEnabled: false, autopilot: false, autoRepair: true }, ["us-central1-a"]);
  seedClusterBasics(cluster, []);
  seedApiServerEndpoints(world, cluster);
  addNode(world, cluster, { zone: "us-central1-a", index: 0 });
}
