import type { World } from "../world";
import { buildEmptyScenario } from "./empty";
import { buildDemoScenario } from "./demo";
import { buildScaleScenario } from "./scale";
import { addBucket, evidenceBucketName } from "../gcp/storage/buckets";

export function buildScenario(world: World): void {
  buildProject(world);
  // Every scenario project has a Cloud Storage bucket for the console's evidence (EVIDENCE_STORE=gcs).
  addBucket(world, evidenceBucketName(world.project));
}

function buildProject(world: World): void {
  switch (world.options.scenario) {
    case "empty":
      return buildEmptyScenario(world);
    case "demo":
      return buildDemoScenario(world);
    case "scale":
      return buildScaleScenario(world);
  }
}
