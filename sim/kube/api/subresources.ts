import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import type { World } from "../../world";
import type { SimCluster } from "../cluster";
import { methodNotAllowed } from "../errors";
import { handleEviction } from "../eviction";
import { handleExecHttp, handleExecUpgrade } from "../pods/exec";
import { handlePodLog } from "../pods/log";
import { getObject, patchObject, updateObject, type RequestContext } from "./objects";
import { handleScale } from "./scale";
import { handleNodeProxy } from "./node-proxy";

// Every subresource the simulator serves, in one table keyed by resource and then by
// subresource, as the API server declares its REST storage ("pods/eviction",
// "deployments/scale", … in pkg/registry/core/rest/storage_core.go and its apps peers).
// Imported statically: a handler that fails to load stops the simulator at start instead of
// turning into a 404 at request time. Discovery (resources.ts) lists what clients may ask
// for; subresources.test.ts holds the two in step.

export interface SubresourceContext extends RequestContext {
  name: string;
  subresource: string;
}

export type SubresourceHandler = (ctx: SubresourceContext) => void | Promise<void>;

export interface UpgradeTarget {
  namespace: string | undefined;
  name: string;
  query: URLSearchParams;
}

export type UpgradeHandler = (world: World, cluster: SimCluster, req: IncomingMessage, socket: Duplex, head: Buffer, target: UpgradeTarget) => void;

/** The same object as the main endpoint, with only .status written (objects.ts keeps it apart). */
const status: SubresourceHandler = (ctx) => {
  switch (ctx.req.method) {
    case "GET":
      return getObject(ctx);
    case "PUT":
      return updateObject(ctx);
    case "PATCH":
      return patchObject(ctx);
    default:
      throw methodNotAllowed();
  }
};

/** The Pod itself; writes change spec.ephemeralContainers only (objects.ts), adding, never removing. */
const ephemeralcontainers: SubresourceHandler = (ctx) => status(ctx);

const scale: SubresourceHandler = (ctx) => {
  if (!["GET", "PUT", "PATCH"].includes(ctx.req.method ?? "GET")) throw methodNotAllowed();
  return handleScale(ctx);
};

const log: SubresourceHandler = (c) => handlePodLog(c.world, c.cluster, c.req, c.res, c.namespace ?? "default", c.name, c.query);
const exec: SubresourceHandler = (c) => handleExecHttp(c.world, c.cluster, c.req, c.res, c.namespace ?? "default", c.name, c.query);

export const SUBRESOURCES: Readonly<Record<string, Readonly<Record<string, SubresourceHandler>>>> = {
  pods: { status, log, exec, eviction: handleEviction, ephemeralcontainers },
  // Reached through the router with its kubelet path (node-proxy.ts); a bare nodes/<n>/proxy is the kubelet's root.
  nodes: { status, proxy: (ctx) => handleNodeProxy(ctx, []) },
  namespaces: { status },
  services: { status },
  "apps/deployments": { status, scale },
  "apps/replicasets": { status, scale },
  "apps/statefulsets": { status, scale },
  "apps/daemonsets": { status },
  "batch/jobs": { status },
  "policy/poddisruptionbudgets": { status },
};

/** Subresources reached by connection upgrade (WebSocket / SPDY) rather than a plain request. */
export const UPGRADE_SUBRESOURCES: Readonly<Record<string, Readonly<Record<string, UpgradeHandler>>>> = {
  pods: { exec: (world, cluster, req, socket, head, t) => handleExecUpgrade(world, cluster, req, socket, head, t.namespace ?? "default", t.name, t.query) },
};

/** `resourceKey` is the registry key ("pods", "apps/deployments"); `name` the subresource. */
export function findSubresource(resourceKey: string, name: string): SubresourceHandler | undefined {
  return lookup(SUBRESOURCES, resourceKey, name);
}

export function findUpgradeHandler(resourceKey: string, name: string): UpgradeHandler | undefined {
  return lookup(UPGRADE_SUBRESOURCES, resourceKey, name);
}

// Own properties only: a path segment such as "constructor" must not reach Object.prototype.
function lookup<H>(table: Readonly<Record<string, Readonly<Record<string, H>>>>, resourceKey: string, name: string): H | undefined {
  const byName = Object.hasOwn(table, resourceKey) ? table[resourceKey] : undefined;
  return byName && Object.hasOwn(byName, name) ? byName[name] : undefined;
}
