import type { World } from "../../world";
import type { GcpJson } from "../state";
import { GoogleRpcError } from "../rpc";

// GKE cluster descriptions (container v1). The JSON itself is built by the scenario
// (sim/scenarios/infra.ts); this module finds it by location, including the wildcard "-",
// and answers in the shape of the REST API: a zonal location is a zone, a regional one a region.

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
    throw new GoogleRpcError(404, "NOT_FOUND", `Not found: projects/${project}/${style}/${location}/clusters/${name}.`);
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
  if (!np) throw new GoogleRpcError(404, "NOT_FOUND", `Not found: projects/${project}/${style}/${location}/clusters/${name}/nodePools/${pool}.`);
  return np;
}

function requireProject(world: World, project: string): void {
  if (project !== world.project && project !== world.gcp.projectNumber) {
    throw new GoogleRpcError(403, "PERMISSION_DENIED", `Permission denied on resource project ${project}.`);
  }
}

function storedCluster(world: World, project: string, location: string, name: string, style: "locations" | "zones"): GcpJson {
  requireProject(world, project);
  const found = [...world.gcp.gkeClusters.values()].find((c) => c.name === name && (location === "-" || c.location === location));
  if (!found) throw new GoogleRpcError(404, "NOT_FOUND", `Not found: projects/${project}/${style}/${location}/clusters/${name}.`);
  return found;
}

function storedPool(
  world: World,
  project: string,
  location: string,
  name: string,
  pool: string,
  style: "locations" | "zones",
): { cluster: GcpJson; pool: GcpJson } {
  const cluster = storedCluster(world, project, location, name, style);
  const np = (cluster.nodePools ?? []).find((p: GcpJson) => p.name === pool);
  if (!np) throw new GoogleRpcError(404, "NOT_FOUND", `Not found: projects/${project}/${style}/${location}/clusters/${name}/nodePools/${pool}.`);
  return { cluster, pool: np };
}

// GKE answers a mutation with a RUNNING Operation and applies it; the simulator applies the
// change at once and reports the operation DONE from the first operations.get on (gcloud
// polls until DONE), or after OPERATION_MS of simulated time.
const OPERATION_MS = 2000;

export function recordGkeOperation(world: World, location: string, operationType: string, targetLink: string, detail?: string): GcpJson {
  const now = world.clock.now();
  const name = `operation-${now}-${world.random.hex(8)}`;
  const op: GcpJson = {
    name,
    zone: location,
    operationType,
    status: "RUNNING",
    ...(detail ? { detail } : {}),
    selfLink: `https://container.googleapis.com/v1/projects/${world.gcp.projectNumber}/zones/${location}/operations/${name}`,
    targetLink,
    location: `https://container.googleapis.com/v1/projects/${world.gcp.projectNumber}/zones/${location}`,
    startTime: new Date(now).toISOString(),
  };
  world.gcp.gkeOperations.set(`${location}/${name}`, op);
  world.clock.after(OPERATION_MS, () => finishGkeOperation(world, op));
  return structuredClone(op);
}

function finishGkeOperation(world: World, op: GcpJson): void {
  if (op.status === "DONE") return;
  op.status = "DONE";
  op.endTime = new Date(world.clock.now()).toISOString();
}

export function getGkeOperation(world: World, project: string, location: string, name: string, style: "locations" | "zones"): GcpJson {
  requireProject(world, project);
  const op = [...world.gcp.gkeOperations.entries()].find(([k]) => k.endsWith(`/${name}`) && (location === "-" || k.startsWith(`${location}/`)))?.[1];
  if (!op) throw new GoogleRpcError(404, "NOT_FOUND", `Not found: projects/${project}/${style}/${location}/operations/${name}.`);
  finishGkeOperation(world, op);
  return structuredClone(op);
}

export function listGkeOperations(world: World, project: string, location: string): GcpJson {
  requireProject(world, project);
  const operations = [...world.gcp.gkeOperations.entries()]
    .filter(([k]) => location === "-" || k.startsWith(`${location}/`))
    .map(([, v]) => structuredClone(v));
  return { operations };
}

/**
 * SetNodePoolManagementRequest: `management` replaces the pool's NodeManagement as a whole
 * (gcloud reads the pool first and sends every field). Auto-repair and auto-upgrade are
 * pool-wide: turning them off protects every node of the pool, not one.
 */
export function setNodePoolManagement(
  world: World,
  project: string,
  location: string,
  name: string,
  pool: string,
  style: "locations" | "zones",
  body: GcpJson,
): GcpJson {
  const { cluster, pool: np } = storedPool(world, project, location, name, pool, style);
  const management = body.management;
  if (!management || typeof management !== "object" || Array.isArray(management)) {
    throw new GoogleRpcError(
      400,
      "INVALID_ARGUMENT",
      "Invalid value at 'management' (type.googleapis.com/google.container.v1.NodeManagement): a NodeManagement object is required.",
    );
  }
  for (const field of ["autoRepair", "autoUpgrade"]) {
    if (management[field] !== undefined && typeof management[field] !== "boolean") {
      throw new GoogleRpcError(
        400,
        "INVALID_ARGUMENT",
        `Invalid value at 'management.${field === "autoRepair" ? "auto_repair" : "auto_upgrade"}' (TYPE_BOOL), ${JSON.stringify(management[field])}`,
      );
    }
  }
  if (cluster.autopilot?.enabled) throw new GoogleRpcError(400, "FAILED_PRECONDITION", "Autopilot clusters do not allow changing node pool management.");
  np.management = {
    ...(management.autoUpgrade !== undefined ? { autoUpgrade: management.autoUpgrade } : {}),
    ...(management.autoRepair !== undefined ? { autoRepair: management.autoRepair } : {}),
    ...(management.upgradeOptions ? { upgradeOptions: management.upgradeOptions } : {}),
  };
  return recordGkeOperation(
    world,
    cluster.location,
    "SET_NODE_POOL_MANAGEMENT",
    `https://container.googleapis.com/v1/projects/${world.gcp.projectNumber}/zones/${cluster.location}/clusters/${cluster.name}/nodePools/${np.name}`,
  );
}

/** The stored pool a node belongs to (by its pool label), for auto-repair and the autoscaler. */
export function poolOfNode(world: World, clusterLocation: string, clusterName: string, poolName: string): GcpJson | undefined {
  return (world.gcp.gkeClusters.get(`${clusterLocation}/${clusterName}`)?.nodePools ?? []).find((p: GcpJson) => p.name === poolName);
}
