import type { World } from "../../world";
import type { GcpJson } from "../state";
import { noSuchBucket } from "./errors";

/** The bucket every scenario project has for the console's evidence (EVIDENCE_STORE=gcs). */
export function evidenceBucketName(project: string): string {
  return `${project}-airlock-evidence`;
}

/** Creates a bucket in the simulated project, as `gcloud storage buckets create` would leave it. */
export function addBucket(world: World, name: string, location = "US-CENTRAL1"): GcpJson {
  const created = new Date(world.clock.now()).toISOString();
  const bucket: GcpJson = {
    kind: "storage#bucket",
    selfLink: `https://www.googleapis.com/storage/v1/b/${name}`,
    id: name,
    name,
    projectNumber: world.gcp.projectNumber,
    generation: String(world.clock.now() * 1000),
    metageneration: "1",
    location,
    storageClass: "STANDARD",
    etag: "CAE=",
    timeCreated: created,
    updated: created,
    locationType: "region",
    iamConfiguration: { bucketPolicyOnly: { enabled: true }, uniformBucketLevelAccess: { enabled: true }, publicAccessPrevention: "enforced" },
    rpo: "DEFAULT",
  };
  world.gcp.buckets.set(name, bucket);
  return bucket;
}

export function requireBucket(world: World, name: string): GcpJson {
  const bucket = world.gcp.buckets.get(name);
  if (!bucket) throw noSuchBucket();
  return bucket;
}
