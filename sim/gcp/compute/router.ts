import type { IncomingMessage, ServerResponse } from "node:http";
import { readBody, sendJson, splitUrl } from "../../core/http";
import type { World } from "../../world";
import type { GcpJson } from "../state";
import type { ComputeCtx, ComputeRoute } from "./context";
import { GoogleApiError, methodNotAllowed } from "./errors";
import { instanceRoutes } from "./instances";
import { firewallRoutes } from "./firewalls";
import { diskRoutes } from "./disks";
import { snapshotRoutes } from "./snapshots";
import { networkRoutes } from "./networks";
import { operationRoutes } from "./operations";
import { groupRoutes } from "./groups";
import { handleBatch } from "./batch";

// Compute Engine v1 under /compute/v1/projects/{project}/..., plus the batch endpoint gcloud
// uses when it has several requests to make at once. Single requests and batch parts go
// through the same dispatch so they cannot disagree.

const ROUTES: ComputeRoute[] = [
  ...instanceRoutes,
  ...firewallRoutes,
  ...diskRoutes,
  ...snapshotRoutes,
  ...networkRoutes,
  ...operationRoutes,
  ...groupRoutes,
  { method: "GET", pattern: "", handler: projectJson },
];

const COMPILED = ROUTES.map((r) => ({ ...r, parts: r.pattern === "" ? [] : r.pattern.split("/") }));

export interface ComputeAnswer {
  status: number;
  body: GcpJson;
}

export async function handleComputeRequest(world: World, req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
  const body = await readBody(req);
  if (path.startsWith("/batch/compute/v1")) return handleBatch(world, req, res, body);
  const { query } = splitUrl(req.url ?? "/");
  const answer = dispatchCompute(world, req.method ?? "GET", path, query, body.toString("utf8"));
  sendJson(res, answer.status, answer.body);
}

/** One Compute call, from an HTTP request or a batch part. Never throws. */
export function dispatchCompute(world: World, method: string, path: string, query: URLSearchParams, bodyText: string): ComputeAnswer {
  try {
    return { status: 200, body: route(world, method.toUpperCase(), path, query, bodyText) };
  } catch (err) {
    if (err instanceof GoogleApiError) return { status: err.code, body: err.toJson() };
    throw err;
  }
}

function route(world: World, method: string, path: string, query: URLSearchParams, bodyText: string): GcpJson {
  const m = /^\/compute\/v1\/projects\/([^/]+)(?:\/(.*))?$/.exec(path);
  if (!m) throw new GoogleApiError(404, "notFound", `The requested URL ${path} was not found on this server.`);
  const project = decodeURIComponent(m[1]);
  const rest = (m[2] ?? "").replace(/\/$/, "");
  if (project !== world.project && project !== world.gcp.projectNumber) {
    throw new GoogleApiError(404, "notFound", `The resource 'projects/${project}' was not found`);
  }
  const segments = rest === "" ? [] : rest.split("/").map(decodeURIComponent);
  let pathMatched = false;
  for (const r of COMPILED) {
    const params = matchParts(r.parts, segments);
    if (!params) continue;
    pathMatched = true;
    if (r.method !== method) continue;
    const ctx: ComputeCtx = { world, method, project: world.project, params, query, body: parseBody(bodyText) };
    return r.handler(ctx);
  }
  if (pathMatched) throw methodNotAllowed(method, path);
  throw new GoogleApiError(404, "notFound", `The requested URL ${path} was not found on this server.`);
}

function matchParts(parts: string[], segments: string[]): Record<string, string> | undefined {
  if (parts.length !== segments.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < parts.length; i++) {
    if (parts[i].startsWith(":")) params[parts[i].slice(1)] = segments[i];
    else if (parts[i] !== segments[i]) return undefined;
  }
  return params;
}

function parseBody(text: string): GcpJson {
  if (!text.trim()) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new GoogleApiError(400, "parseError", "Invalid JSON payload received. Unexpected token.");
  }
  // google-gax's REST fallback sends `""` as the body of body-less POSTs (operations.wait).
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) return {};
  return parsed as GcpJson;
}

function projectJson(ctx: ComputeCtx): GcpJson {
  return {
    kind: "compute#project",
    id: ctx.world.gcp.projectNumber,
    creationTimestamp: "2024-11-04T10:02:31.512-08:00",
    name: ctx.project,
    commonInstanceMetadata: { kind: "compute#metadata", fingerprint: "bQ8vpQ0Xq2Y=" },
    defaultServiceAccount: `${ctx.world.gcp.projectNumber}-compute@developer.gserviceaccount.com`,
    defaultNetworkTier: "PREMIUM",
    xpnProjectStatus: "UNSPECIFIED_XPN_PROJECT_STATUS",
    selfLink: ctx.world.gcp.computeBase(),
  };
}
