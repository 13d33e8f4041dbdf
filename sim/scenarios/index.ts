import type { World } from "../world";
import { buildEmptyScenario } from "./empty";

// PLACEHOLDER for demo and scale: the workload engineer fills them in.
export function buildScenario(world: World): void {
  switch (world.options.scenario) {
    case "empty":
    case "demo":
    case "scale":
      return buildEmptyScenario(world);
  }
}
