import http from "node:http";
import type { Duplex } from "node:stream";
import { logJson } from "./core/log";
import { sendJson, splitUrl } from "./core/http";
import type { World } from "./world";
import { handleKubeRequest, handleKubeUpgrade } from "./kube/api/router";
import { handleComputeRequest } from "./gcp/compute/router";
import { handleContainerRequest } from "./gcp/container/router";
import { handleStorageRequest } from "./gcp/storage/router";
import { handleIamRequest } from "./gcp/iam/router";
import { handleControlRequest } from "./control/router";
import { isHonouredDryRun, logRequest } from "./control/requests";
import { jwks, pemCerts } from "./alerts/oidc";

// One listener for everything: /clusters/<name>/... is a Kubernetes API server per cluster,
// /compute/v1/... is Compute Engine, /v1/... is GKE, /storage/v1/... (and /upload/..., /download/...)
// is Cloud Storage, /_sim/... is the test control surface.
const CLUSTER_PREFIX = /^\/clusters\/([a-z0-9-]+)(\/.*)?$/;

export function createSimServer(world: World): http.Server {
  const server = http.createServer((req, res) => {
    const started = Date.now();
    res.on("finish", () => {
      logJson({ event: "request", method: req.method, url: req.url, status: res.statusCode, ms: Date.now() - started });
      const { path } = splitUrl(req.url ?? "/");
      if (!path.startsWith("/_sim/")) logRequest(world, req.method ?? "GET", path, res.statusCode, false, isHonouredDryRun(res));
    });
    route(world, req, res).catch((err) => {
      logJson({ event: "handler-error", url: req.url, error: String(err?.stack ?? err) });
      if (!res.headersSent)
        sendJson(res, 500, { kind: "Status", apiVersion: "v1", status: "Failure", message: "internal simulator error", reason: "InternalError", code: 500 });
      else res.destroy();
    });
  });
  server.on("upgrade", (req, socket: Duplex, head) => {
    const { path } = splitUrl(req.url ?? "/");
    // Exec is a "create" on pods/exec for RBAC: it counts as a write.
    logRequest(world, "POST", path, 101, true);
    const m = CLUSTER_PREFIX.exec(path);
    const cluster = m && world.clusters.get(m[1]);
    if (!cluster) {
      socket.end("HTTP/1.1 404 Not Found\r\n\r\n");
      return;
    }
    handleKubeUpgrade(world, cluster, req, socket, head, m[2] ?? "/");
  });
  return server;
}

async function route(world: World, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
  const { path } = splitUrl(req.url ?? "/");
  if (path.startsWith("/_sim/")) return handleControlRequest(world, req, res, path);

  const fault = world.faults.match(req.method ?? "GET", path, world.random.next());
  if (fault) {
    if (fault.latencyMs) await new Promise((r) => setTimeout(r, fault.latencyMs));
    if (fault.status === "drop") {
      req.socket.destroy();
      return;
    }
    if (fault.status === "drop-after") loseAnswer(world, req, res, path);
    if (typeof fault.status === "number") {
      return sendJson(res, fault.status, faultBody(path, fault.status), fault.status === 429 ? { "Retry-After": "1" } : {});
    }
  }

  const m = CLUSTER_PREFIX.exec(path);
  if (m) {
    const cluster = world.clusters.get(m[1]);
    if (!cluster)
      return sendJson(res, 404, {
        kind: "Status",
        apiVersion: "v1",
        status: "Failure",
        message: `no simulated cluster "${m[1]}"`,
        reason: "NotFound",
        code: 404,
      });
    return handleKubeRequest(world, cluster, req, res, m[2] ?? "/");
  }
  // Google's token-signing certificates, at Google's paths (www.googleapis.com/oauth2/v{1,3}/certs).
  if (path === "/oauth2/v1/certs") return sendJson(res, 200, pemCerts());
  if (path === "/oauth2/v3/certs") return sendJson(res, 200, jwks());
  if (path.startsWith("/compute/v1/") || path.startsWith("/batch/compute/v1")) return handleComputeRequest(world, req, res, path);
  if (path.startsWith("/v1/") || path.startsWith("/v1beta1/")) return handleContainerRequest(world, req, res, path);
  if (/^\/(upload\/|download\/)?storage\/v1\//.test(path)) return handleStorageRequest(world, req, res, path);
  if (path.startsWith("/iam/v1/")) return handleIamRequest(world, req, res, path);
  sendJson(res, 404, { error: { code: 404, message: `no route for ${path}`, errors: [{ reason: "notFound", message: `no route for ${path}` }] } });
}

/**
 * The "drop-after" fault: the handler runs (a write lands) but its answer never leaves; the
 * connection is destroyed where the response would be sent, as when an answer is lost on its
 * way back. Logged with the status the handler chose, since the change happened.
 */
function loseAnswer(world: World, req: http.IncomingMessage, res: http.ServerResponse, path: string): void {
  let lost = false;
  res.writeHead = ((status: number) => {
    res.statusCode = status;
    return res;
  }) as typeof res.writeHead;
  res.write = (() => true) as typeof res.write;
  res.end = (() => {
    if (!lost) {
      lost = true;
      logRequest(world, req.method ?? "GET", path, res.statusCode, false, isHonouredDryRun(res));
      req.socket.destroy();
    }
    return res;
  }) as typeof res.end;
}

function faultBody(path: string, status: number): unknown {
  const message = `injected fault: status ${status}`;
  if (path.startsWith("/clusters/")) {
    const reason = status === 429 ? "TooManyRequests" : status === 409 ? "Conflict" : status === 503 ? "ServiceUnavailable" : "InternalError";
    return { kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message, reason, code: status };
  }
  return { error: { code: status, message, errors: [{ reason: "backendError", message }] } };
}
