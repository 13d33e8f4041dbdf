import type { IncomingMessage, ServerResponse } from "node:http";
import { sendJson } from "../../core/http";
import type { World } from "../../world";
import type { GcpJson } from "../state";
import { ContainerError, getCluster, getNodePool, listClusters, listNodePools } from "./clusters";

// GKE (container v1, and v1beta1 with the same answers) for the reads containment needs:
// whether NetworkPolicy is enforced (Calico add-on or Dataplane V2), Autopilot, auto-repair.
// Both the `locations` paths and the legacy `zones` paths are served; "-" means every location.

const PATH = /^\/v1(?:beta1)?\/projects\/([^/]+)\/(locations|zones)\/([^/]+)\/clusters(?:\/([^/:]+)(?:\/nodePools(?:\/([^/:]+))?)?)?\/?$/;

export async function handleContainerRequest(world: World, req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
  try {
    sendJson(res, 200, route(world, req.method ?? "GET", path));
  } catch (err) {
    if (err instanceof ContainerError) return sendJson(res, err.code, err.toJson());
    throw err;
  }
}

function route(world: World, method: string, path: string): GcpJson {
  const m = PATH.exec(path);
  if (!m) throw new ContainerError(404, "NOT_FOUND", `The requested URL ${path} was not found on this server.`);
  const [, project, style, location, cluster, pool] = m as unknown as [string, string, "locations" | "zones", string, string?, string?];
  const wantsPools = path.includes("/nodePools");
  if (method !== "GET") {
    // Containment never changes the cluster: enabling the NetworkPolicy add-on after an
    // incident re-creates every node and destroys evidence (ERRATA 4).
    throw new ContainerError(405, "METHOD_NOT_ALLOWED", `The simulator serves GKE clusters read-only; ${method} ${path} is not supported.`);
  }
  if (!cluster) return listClusters(world, project, decodeURIComponent(location));
  if (wantsPools && !pool) return listNodePools(world, project, location, decodeURIComponent(cluster), style);
  if (pool) return getNodePool(world, project, location, decodeURIComponent(cluster), decodeURIComponent(pool), style);
  return getCluster(world, project, decodeURIComponent(location), decodeURIComponent(cluster), style);
}
