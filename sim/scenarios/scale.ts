import type { World } from "../world";
import { buildEmptyScenario } from "./empty";

// PLACEHOLDER until the scale build lands.
export function buildScaleScenario(world: World): void {
  buildEmptyScenario(world);
}
