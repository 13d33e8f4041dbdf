import type { World } from "../../world";
import type { SimCluster } from "../cluster";

// PLACEHOLDER: scheduler, workload controllers, endpoints, eviction and garbage collection
// start here. Each registers its stop function in cluster.stops.
export function startControllers(_world: World, _cluster: SimCluster): void {}
