import type { World } from "../world";
import { buildEmptyScenario } from "./empty";
import { buildDemoScenario } from "./demo";
import { buildScaleScenario } from "./scale";

export function buildScenario(world: World): void {
  switch (world.options.scenario) {
    case "empty":
      return buildEmptyScenario(world);
    case "demo":
      return buildDemoScenario(world);
    case "scale":
      return buildScaleScenario(world);
  }
}
