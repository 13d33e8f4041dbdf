import type { World } from "../../world";
import type { SimCluster } from "../cluster";
import { ControllerManager, controllerManager, setControllerManager } from "./manager";
import { Scheduler } from "./scheduler";
import { Kubelet } from "./kubelet";
import { Termination } from "./termination";
import { ReplicaSetController } from "./replicaset";
import { DeploymentController } from "./deployment";
import { DaemonSetController } from "./daemonset";
import { ServiceController } from "./services";
import { EndpointsController } from "./endpoints";
import { PdbController } from "./pdb";
import { NodeEvents } from "./nodes";
import { GarbageCollector } from "./gc";
import { StatefulSetController } from "./statefulset";
import { JobController } from "./job";
import { startNodeLifecycle } from "./node-lifecycle";

// The cluster's control loops. A scenario may reconcile synchronously while it builds
// (reconcileNow), so the world is complete before the ready line; startControllers then
// keeps the same manager running against store changes and the simulated clock.

function managerFor(world: World, cluster: SimCluster): ControllerManager {
  let m = controllerManager(cluster);
  if (m) return m;
  m = new ControllerManager(world, cluster);
  // Order matters only within one drain round: owners before the pods they create, pods
  // bound before they are started.
  m.register(new DeploymentController(m));
  m.register(new ReplicaSetController(m));
  m.register(new DaemonSetController(m));
  m.register(new StatefulSetController(m));
  m.register(new JobController(m));
  m.register(new Scheduler(m));
  m.register(new Kubelet(m));
  m.register(new Termination(m));
  m.register(new ServiceController(m));
  m.register(new EndpointsController(m));
  m.register(new PdbController(m));
  m.register(new NodeEvents(m));
  m.register(new GarbageCollector(m));
  setControllerManager(cluster, m);
  cluster.stops.push(() => {
    m!.stop();
    setControllerManager(cluster, undefined);
  });
  m.resyncAll();
  return m;
}

/**
 * Runs every controller to completion now, with delays collapsed (pods start at once, load
 * balancers get their IP at once). For scenario builders and in-process tests.
 */
export function reconcileNow(world: World, cluster: SimCluster): ControllerManager {
  const m = managerFor(world, cluster);
  m.drain();
  return m;
}

export function startControllers(world: World, cluster: SimCluster): void {
  managerFor(world, cluster).goLive();
  // Heartbeats, auto-repair and the autoscaler run on the simulated clock once the world serves.
  startNodeLifecycle(world, cluster);
}
