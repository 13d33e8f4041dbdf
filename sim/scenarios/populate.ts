import { World, type SimOptions } from "../world";
import { startControllers } from "../kube/controllers";
import { buildScenario } from "./index";

// What a fresh start builds, apart from the entry (sim/start.ts) that listens and writes the
// kubeconfig, so that POST /_sim/reset and in-process tests can rebuild a world without
// importing the process entry.

export function buildWorld(options: SimOptions): World {
  const project = options.scenario === "demo" ? "acme-prod" : `airlock-${options.scenario}`;
  const world = new World(options, project, "612483970153");
  populateWorld(world);
  return world;
}

/** Scenario plus controllers: what a fresh start does, and what POST /_sim/reset redoes. */
export function populateWorld(world: World): void {
  buildScenario(world);
  for (const cluster of world.clusters.values()) startControllers(world, cluster);
}
