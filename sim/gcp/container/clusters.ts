import type { World } from "../../world";
import type { GcpJson } from "../state";

// GKE cluster descriptions (container v1). The JSON itself is built by the scenario
// (sim/scenarios/infra.ts); this module finds it by location, including the wildcard "-",
// and answers in the shape of the REST API: a zonal location is a zone, a regional one a region.

export class ContainerError extends Error {
  constructor(
    readonly code: number,
    readonly status: string,
    message: string,
  ) {
    super(message);
  }
  toJson(): GcpJson {
    return { error: { code: this.code, message: this.message, status: this.status } };
  }
}

export function listClusters(world: World, project: string, location: string): GcpJson {
  requireProject(world, project);
  const clusters = [...world.gcp.gkeClusters.values()]
    .filter((c) => location === "-" || c.location === location)
    .sort((a, b) => String(a.name).localeCompare(String(b.name)))
    .map(withZone);
  // `missingZones` lists zones that could not answer; the simulated ones always do.
  return { clusters };
}

export function getCluster(world: World, project: string, location: string, name: string, style: "locations" | "zones"): GcpJson {
  requireProject(world, project);
  const found = [...world.gcp.gkeClusters.values()].find((c) => c.name === name && (location === "-" || c.location === location));
  if (!found) {
    throw new ContainerError(404, "NOT_FOUND", `Not found: projects/${project}/${style}/${location}/clusters/${name}.`);
  }
  return withZone(found);
}

// `zone` is deprecated but the API still fills it (with the region for regional clusters),
// and gcloud sorts `clusters list` by it: never answer without one.
function withZone(c: GcpJson): GcpJson {
  const out = structuredClone(c);
  out.zone ??= out.location;
  return out;
}

export function listNodePools(world: World, project: string, location: string, name: string, style: "locations" | "zones"): GcpJson {
  return { nodePools: getCluster(world, project, location, name, style).nodePools ?? [] };
}

export function getNodePool(world: World, project: string, location: string, name: string, pool: string, style: "locations" | "zones"): GcpJson {
  const np = (getCluster(world, project, location, name, style).nodePools ?? []).find((p: GcpJson) => p.name === pool);
  if (!np) throw new ContainerError(404, "NOT_FOUND", `Not found: projects/${project}/${style}/${location}/clusters/${name}/nodePools/${pool}.`);
  return np;
}

function requireProject(world: World, project: string): void {
  if (project !== world.project && project !== world.gcp.projectNumber) {
    throw new ContainerError(403, "PERMISSION_DENIED", `Permission denied on resource project ${project}.`);
  }
}
