import type { World } from "../../world";
import type { GcpJson } from "../state";
import { GoogleApiError, invalidField, notFound } from "./errors";

// What every Compute handler gets, whether the request came alone or inside a batch.
export interface ComputeCtx {
  world: World;
  method: string;
  project: string;
  /** named segments of the matched route, e.g. {zone, instance} */
  params: Record<string, string>;
  query: URLSearchParams;
  body: GcpJson;
}

export type ComputeHandler = (ctx: ComputeCtx) => GcpJson;

export interface ComputeRoute {
  method: string;
  /** path after /compute/v1/projects/{project}/, with :name segments */
  pattern: string;
  handler: ComputeHandler;
}

// Zones the simulated project "has": gcloud and clients validate --zone against the API, and
// an unknown zone is a 400 there, not a 404.
const BASE_ZONES = [
  "us-central1-a",
  "us-central1-b",
  "us-central1-c",
  "us-central1-f",
  "us-east1-b",
  "us-east1-c",
  "us-east1-d",
  "us-west1-a",
  "us-west1-b",
  "us-west1-c",
  "europe-west1-b",
  "europe-west1-c",
  "europe-west1-d",
];

export function knownZones(world: World): string[] {
  const zones = new Set(BASE_ZONES);
  for (const key of [...world.gcp.instances.keys(), ...world.gcp.disks.keys()]) zones.add(key.split("/")[0]);
  return [...zones].sort();
}

export function knownRegions(world: World): string[] {
  return [...new Set(knownZones(world).map(regionOf))].sort();
}

export function regionOf(zone: string): string {
  return zone.replace(/-[a-z]$/, "");
}

export function requireZone(ctx: ComputeCtx): string {
  const zone = ctx.params.zone;
  if (!knownZones(ctx.world).includes(zone)) throw invalidField("zone", zone, "Unknown zone.");
  return zone;
}

export function requireRegion(ctx: ComputeCtx): string {
  const region = ctx.params.region;
  if (!knownRegions(ctx.world).includes(region)) throw invalidField("region", region, "Unknown region.");
  return region;
}

/** "projects/p/zones/z/instances/n": the form Compute names resources in its messages. */
function resourcePath(ctx: ComputeCtx, rest: string): string {
  return `projects/${ctx.project}/${rest}`;
}

export function mustGet(map: Map<string, GcpJson>, key: string, ctx: ComputeCtx, rest: string): GcpJson {
  const found = map.get(key);
  if (!found) throw notFound(resourcePath(ctx, rest));
  return found;
}

/** Compute writes timestamps with milliseconds and a UTC offset; the simulated project lives in Pacific time. */
export function computeTimestamp(ms: number): string {
  const shifted = new Date(ms - 8 * 3600_000).toISOString();
  return shifted.replace("Z", "-08:00");
}

// Resource names: RFC 1035 labels, as Compute validates `name` on every insert.
export const NAME_RE = /^[a-z](?:[-a-z0-9]{0,61}[a-z0-9])?$/;
export const NAME_REGEX_TEXT = "(?:[a-z](?:[-a-z0-9]{0,61}[a-z0-9])?)";

export function validateName(field: string, value: unknown): string {
  if (value === undefined || value === null || value === "") throw new GoogleApiError(400, "required", `Required field '${field}' not specified`);
  if (typeof value !== "string" || !NAME_RE.test(value)) throw invalidField(field, value, `Must be a match of regex '${NAME_REGEX_TEXT}'`);
  return value;
}

/** A fresh fingerprint: 8 bytes in URL-safe base64 with padding, like the real ones. */
export function newFingerprint(world: World): string {
  const bytes = Buffer.alloc(8);
  for (let i = 0; i < 8; i++) bytes[i] = world.random.int(256);
  return bytes.toString("base64").replace(/\+/g, "-").replace(/\//g, "_");
}

/**
 * Fingerprints are bytes: apitools (gcloud) re-encodes them URL-safe, other clients echo
 * what they got, so compare the decoded bytes, not the text.
 */
export function sameFingerprint(given: unknown, current: unknown): boolean {
  if (typeof given !== "string" || typeof current !== "string" || !given) return false;
  const decode = (s: string) => Buffer.from(s.replace(/-/g, "+").replace(/_/g, "/"), "base64");
  return decode(given).equals(decode(current));
}
