import type { IncomingMessage, ServerResponse } from "node:http";
import type { Duplex } from "node:stream";
import type { World } from "../../world";
import type { SimCluster } from "../cluster";
import type { ResourceType } from "../resources";

// Subresources other parts of the simulator serve (pods/log, pods/eviction, pods/exec): they
// register here from their own modules and the router dispatches to them. A handler may throw
// an ApiError; the router answers it as a Status.

export interface SubresourceContext {
  world: World;
  cluster: SimCluster;
  type: ResourceType;
  namespace: string | undefined;
  name: string;
  subresource: string;
  req: IncomingMessage;
  res: ServerResponse;
  query: URLSearchParams;
  /** The request body, read once and cached. */
  body(): Promise<Buffer>;
}

export type SubresourceHandler = (ctx: SubresourceContext) => void | Promise<void>;

export interface UpgradeTarget {
  namespace: string | undefined;
  name: string;
  query: URLSearchParams;
}

export type UpgradeHandler = (world: World, cluster: SimCluster, req: IncomingMessage, socket: Duplex, head: Buffer, target: UpgradeTarget) => void;

const handlers = new Map<string, SubresourceHandler>();
const upgradeHandlers = new Map<string, UpgradeHandler>();

/** `resourceKey` is the registry key ("pods", "apps/deployments"); `name` the subresource. */
export function registerSubresource(resourceKey: string, name: string, handler: SubresourceHandler): void {
  handlers.set(`${resourceKey}/${name}`, handler);
}

export function findSubresource(resourceKey: string, name: string): SubresourceHandler | undefined {
  return handlers.get(`${resourceKey}/${name}`);
}

/** For subresources reached by connection upgrade (WebSocket / SPDY), e.g. pods/exec. */
export function registerUpgradeHandler(resourceKey: string, name: string, handler: UpgradeHandler): void {
  upgradeHandlers.set(`${resourceKey}/${name}`, handler);
}

export function findUpgradeHandler(resourceKey: string, name: string): UpgradeHandler | undefined {
  return upgradeHandlers.get(`${resourceKey}/${name}`);
}
