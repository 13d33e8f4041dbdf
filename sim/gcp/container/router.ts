import type { IncomingMessage, ServerResponse } from "node:http";
import type { World } from "../../world";
import type { GcpJson } from "../state";
import { GoogleRpcError, serveGoogleJson } from "../rpc";
import { getCluster, getGkeOperation, getNodePool, listClusters, listGkeOperations, listNodePools, setNodePoolManagement } from "./clusters";

// GKE (container v1, and v1beta1 with the same answers): cluster and node pool reads, node pool
// management (setManagement: auto-repair and auto-upgrade), and the operations it returns.
// Both the `locations` paths (":setManagement" custom verbs) and the legacy `zones` paths
// ("/setManagement") are served; "-" means every location.

const PATH =
  /^\/v1(?:beta1)?\/projects\/([^/]+)\/(locations|zones)\/([^/]+)\/clusters(?:\/([^/:]+)(?:\/nodePools(?:\/([^/:]+))?)?)?(?:(?::|\/)(setManagement))?\/?$/;
const OPERATIONS = /^\/v1(?:beta1)?\/projects\/([^/]+)\/(locations|zones)\/([^/]+)\/operations(?:\/([^/:]+))?\/?$/;

export async function handleContainerRequest(world: World, req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
  return serveGoogleJson(req, res, (body) => route(world, req.method ?? "GET", path, body));
}

function route(world: World, method: string, path: string, body: GcpJson): GcpJson {
  const ops = OPERATIONS.exec(path);
  if (ops) {
    const [, project, style, location, op] = ops as unknown as [string, string, "locations" | "zones", string, string?];
    if (method !== "GET") throw notAllowed(method, path);
    return op
      ? getGkeOperation(world, project, decodeURIComponent(location), decodeURIComponent(op), style)
      : listGkeOperations(world, project, decodeURIComponent(location));
  }
  const m = PATH.exec(path);
  if (!m) throw new GoogleRpcError(404, "NOT_FOUND", `The requested URL ${path} was not found on this server.`);
  const [, project, style, location, cluster, pool, verb] = m as unknown as [string, string, "locations" | "zones", string, string?, string?, string?];
  const wantsPools = path.includes("/nodePools");
  if (verb) {
    if (method !== "POST" || !pool) throw notAllowed(method, path);
    return setNodePoolManagement(world, project, decodeURIComponent(location), decodeURIComponent(cluster!), decodeURIComponent(pool), style, body);
  }
  if (method !== "GET") {
    // Only node pool management changes: enabling the NetworkPolicy add-on after an incident
    // re-creates every node and destroys evidence (ERRATA 4).
    throw notAllowed(method, path);
  }
  if (!cluster) return listClusters(world, project, decodeURIComponent(location));
  if (wantsPools && !pool) return listNodePools(world, project, location, decodeURIComponent(cluster), style);
  if (pool) return getNodePool(world, project, location, decodeURIComponent(cluster), decodeURIComponent(pool), style);
  return getCluster(world, project, decodeURIComponent(location), decodeURIComponent(cluster), style);
}

function notAllowed(method: string, path: string): GoogleRpcError {
  return new GoogleRpcError(405, "METHOD_NOT_ALLOWED", `The simulator serves GKE reads and nodePools.setManagement only; ${method} ${path} is not supported.`);
}
