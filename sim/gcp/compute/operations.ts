import type { World } from "../../world";
import type { GcpJson } from "../state";
import { computeTimestamp, mustGet, requireRegion, requireZone, type ComputeCtx, type ComputeRoute } from "./context";
import { listAt, storedItems } from "./listing";

// Every Compute mutation answers with a compute#operation. The change itself is applied at
// once (so a GET right after sees it), but the operation is reported RUNNING in the mutation's
// answer and DONE from the first operations.get/wait on, or after OPERATION_MS of simulated
// time, whichever comes first. Work that really takes time (a snapshot becoming READY) hangs
// off the operation's completion, so clients that poll see the same order as on GCP.
const OPERATION_MS = 2000;

export type OperationScope = { zone: string } | { region: string } | { global: true };

interface Pending {
  op: GcpJson;
  finish: () => void;
}
const pendingByWorld = new WeakMap<World, Map<string, Pending>>();

function pending(world: World): Map<string, Pending> {
  let m = pendingByWorld.get(world);
  if (!m) pendingByWorld.set(world, (m = new Map()));
  return m;
}

export interface StartOperation {
  scope: OperationScope;
  operationType: string;
  targetLink: string;
  targetId?: string;
  /** runs once, when the operation turns DONE */
  onDone?: () => void;
}

function scopeKey(scope: OperationScope): string {
  return "zone" in scope ? scope.zone : "region" in scope ? scope.region : "global";
}

function scopePath(scope: OperationScope): string {
  return "zone" in scope ? `zones/${scope.zone}` : "region" in scope ? `regions/${scope.region}` : "global";
}

/** Records a RUNNING operation and returns the JSON to answer the mutation with. */
export function startOperation(world: World, start: StartOperation): GcpJson {
  const now = world.clock.now();
  const name = `operation-${now}-${world.random.hex(13)}-${world.random.hex(8)}-${world.random.hex(8)}`;
  const base = world.gcp.computeBase();
  const key = `${scopeKey(start.scope)}/${name}`;
  const op: GcpJson = {
    kind: "compute#operation",
    id: world.random.digits(19),
    name,
    ...("zone" in start.scope ? { zone: `${base}/zones/${start.scope.zone}` } : {}),
    ...("region" in start.scope ? { region: `${base}/regions/${start.scope.region}` } : {}),
    operationType: start.operationType,
    targetLink: start.targetLink,
    ...(start.targetId ? { targetId: start.targetId } : {}),
    status: "RUNNING",
    user: `responder@${world.project}.iam.gserviceaccount.com`,
    progress: 0,
    insertTime: computeTimestamp(now),
    startTime: computeTimestamp(now),
    selfLink: `${base}/${scopePath(start.scope)}/operations/${name}`,
    selfLinkWithId: `${base}/${scopePath(start.scope)}/operations/${name}`,
  };
  world.gcp.operations.set(key, op);
  let finished = false;
  const finish = () => {
    if (finished) return;
    finished = true;
    pending(world).delete(key);
    op.status = "DONE";
    op.progress = 100;
    op.endTime = computeTimestamp(world.clock.now());
    start.onDone?.();
  };
  pending(world).set(key, { op, finish });
  world.clock.after(OPERATION_MS, finish);
  return structuredClone(op);
}

/** Finishes the operation if it is still running: the first look at it is "later enough". */
function observe(world: World, key: string): void {
  const p = pending(world).get(key);
  // After /_sim/reset the same key may name a new operation: only finish the one we started.
  if (p && world.gcp.operations.get(key) === p.op) p.finish();
}

function getOp(ctx: ComputeCtx, scope: OperationScope): GcpJson {
  const key = `${scopeKey(scope)}/${ctx.params.operation}`;
  const op = mustGet(ctx.world.gcp.operations, key, ctx, `${scopePath(scope)}/operations/${ctx.params.operation}`);
  observe(ctx.world, key);
  return structuredClone(op);
}

function listOps(ctx: ComputeCtx, scope: OperationScope): GcpJson {
  return listAt(ctx, "compute#operationList", `${scopePath(scope)}/operations`, storedItems(ctx.world.gcp.operations, scopeKey(scope)));
}

const zonal = (ctx: ComputeCtx): OperationScope => ({ zone: requireZone(ctx) });
const regional = (ctx: ComputeCtx): OperationScope => ({ region: requireRegion(ctx) });
const global = (): OperationScope => ({ global: true });

export const operationRoutes: ComputeRoute[] = [
  { method: "GET", pattern: "zones/:zone/operations/:operation", handler: (c) => getOp(c, zonal(c)) },
  { method: "POST", pattern: "zones/:zone/operations/:operation/wait", handler: (c) => getOp(c, zonal(c)) },
  { method: "GET", pattern: "zones/:zone/operations", handler: (c) => listOps(c, zonal(c)) },
  { method: "GET", pattern: "regions/:region/operations/:operation", handler: (c) => getOp(c, regional(c)) },
  { method: "POST", pattern: "regions/:region/operations/:operation/wait", handler: (c) => getOp(c, regional(c)) },
  { method: "GET", pattern: "regions/:region/operations", handler: (c) => listOps(c, regional(c)) },
  { method: "GET", pattern: "global/operations/:operation", handler: (c) => getOp(c, global()) },
  { method: "POST", pattern: "global/operations/:operation/wait", handler: (c) => getOp(c, global()) },
  { method: "GET", pattern: "global/operations", handler: (c) => listOps(c, global()) },
];
