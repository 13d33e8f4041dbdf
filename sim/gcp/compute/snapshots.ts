import type { World } from "../../world";
import type { GcpJson } from "../state";
import { computeTimestamp, mustGet, newFingerprint, validateName, type ComputeCtx, type ComputeRoute } from "./context";
import { alreadyExists, requiredField } from "./errors";
import { testPermissions } from "./iam";
import { listAt, storedItems } from "./listing";
import { startOperation } from "./operations";

// Snapshots are global. They are born CREATING and become READY when the operation that made
// them completes: evidence capture is only trustworthy once the snapshot is READY.

/** Creates the snapshot of `disk` and returns the (zonal or global) operation's answer. */
export function createSnapshotOf(ctx: ComputeCtx, disk: GcpJson, diskZone: string, req: GcpJson, scope: "zonal" | "global"): GcpJson {
  const world = ctx.world;
  const name = validateName("resource.name", req.name);
  if (world.gcp.snapshots.has(name)) throw alreadyExists(`projects/${ctx.project}/global/snapshots/${name}`);
  const base = world.gcp.computeBase();
  const sizeGb = String(disk.sizeGb ?? "10");
  const snapshot: GcpJson = {
    kind: "compute#snapshot",
    id: world.random.digits(19),
    creationTimestamp: computeTimestamp(world.clock.now()),
    name,
    ...(req.description ? { description: req.description } : {}),
    status: "CREATING",
    sourceDisk: disk.selfLink,
    sourceDiskId: disk.id,
    diskSizeGb: sizeGb,
    storageBytes: "0",
    storageBytesStatus: "UPDATING",
    selfLink: `${base}/global/snapshots/${name}`,
    labels: req.labels ?? {},
    labelFingerprint: newFingerprint(world),
    storageLocations: req.storageLocations?.length
      ? req.storageLocations
      : [diskZone.startsWith("europe-") ? "eu" : diskZone.startsWith("asia-") ? "asia" : "us"],
    snapshotType: req.snapshotType ?? "STANDARD",
    architecture: disk.architecture ?? "X86_64",
    ...(disk.sourceImage ? { sourceImage: disk.sourceImage } : {}),
    autoCreated: false,
  };
  world.gcp.snapshots.set(name, snapshot);
  const onDone = () => markReady(world, name, Number(sizeGb));
  if (scope === "zonal") {
    return startOperation(world, { scope: { zone: diskZone }, operationType: "createSnapshot", targetLink: disk.selfLink, targetId: disk.id, onDone });
  }
  return startOperation(world, { scope: { global: true }, operationType: "insert", targetLink: snapshot.selfLink, targetId: snapshot.id, onDone });
}

function markReady(world: World, name: string, sizeGb: number): void {
  const snap = world.gcp.snapshots.get(name);
  if (!snap || snap.status !== "CREATING") return;
  snap.status = "READY";
  // A node's boot disk is mostly OS image: the snapshot stores a fraction of the disk.
  snap.storageBytes = String(Math.round(sizeGb * 1024 ** 3 * 0.037));
  snap.storageBytesStatus = "UP_TO_DATE";
}

function insert(ctx: ComputeCtx): GcpJson {
  const body = ctx.body ?? {};
  const m = /(?:^|\/)zones\/([^/]+)\/disks\/([^/]+)$/.exec(String(body.sourceDisk ?? ""));
  if (!m) {
    validateName("resource.name", body.name);
    throw requiredField("resource.sourceDisk");
  }
  const disk = mustGet(ctx.world.gcp.disks, `${m[1]}/${m[2]}`, ctx, `zones/${m[1]}/disks/${m[2]}`);
  return createSnapshotOf(ctx, disk, m[1], body, "global");
}

function get(ctx: ComputeCtx): GcpJson {
  return structuredClone(mustGet(ctx.world.gcp.snapshots, ctx.params.snapshot, ctx, `global/snapshots/${ctx.params.snapshot}`));
}

function list(ctx: ComputeCtx): GcpJson {
  return listAt(ctx, "compute#snapshotList", "global/snapshots", storedItems(ctx.world.gcp.snapshots));
}

function remove(ctx: ComputeCtx): GcpJson {
  const snap = mustGet(ctx.world.gcp.snapshots, ctx.params.snapshot, ctx, `global/snapshots/${ctx.params.snapshot}`);
  ctx.world.gcp.snapshots.delete(snap.name);
  return startOperation(ctx.world, { scope: { global: true }, operationType: "delete", targetLink: snap.selfLink, targetId: snap.id });
}

export const snapshotRoutes: ComputeRoute[] = [
  { method: "GET", pattern: "global/snapshots", handler: list },
  { method: "POST", pattern: "global/snapshots", handler: insert },
  { method: "GET", pattern: "global/snapshots/:snapshot", handler: get },
  { method: "DELETE", pattern: "global/snapshots/:snapshot", handler: remove },
  {
    method: "POST",
    pattern: "global/snapshots/:snapshot/testIamPermissions",
    handler: (c) => {
      get(c);
      return testPermissions(c);
    },
  },
];
