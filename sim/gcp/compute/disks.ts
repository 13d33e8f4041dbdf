import type { GcpJson } from "../state";
import { mustGet, requireZone, type ComputeCtx, type ComputeRoute } from "./context";
import { testPermissions } from "./iam";
import { listAt, storedItems } from "./listing";
import { createSnapshotOf } from "./snapshots";

// Persistent disks: read-only here except for createSnapshot, the evidence-capture step
// (ERRATA 7: snapshot before anything can roll the node).

function diskOf(ctx: ComputeCtx): { zone: string; disk: GcpJson } {
  const zone = requireZone(ctx);
  const disk = mustGet(ctx.world.gcp.disks, `${zone}/${ctx.params.disk}`, ctx, `zones/${zone}/disks/${ctx.params.disk}`);
  return { zone, disk };
}

function get(ctx: ComputeCtx): GcpJson {
  return structuredClone(diskOf(ctx).disk);
}

function list(ctx: ComputeCtx): GcpJson {
  const zone = requireZone(ctx);
  return listAt(ctx, "compute#diskList", `zones/${zone}/disks`, storedItems(ctx.world.gcp.disks, zone));
}

function createSnapshot(ctx: ComputeCtx): GcpJson {
  const { zone, disk } = diskOf(ctx);
  return createSnapshotOf(ctx, disk, zone, ctx.body ?? {}, "zonal");
}

export const diskRoutes: ComputeRoute[] = [
  { method: "GET", pattern: "zones/:zone/disks", handler: list },
  { method: "GET", pattern: "zones/:zone/disks/:disk", handler: get },
  { method: "POST", pattern: "zones/:zone/disks/:disk/createSnapshot", handler: createSnapshot },
  {
    method: "POST",
    pattern: "zones/:zone/disks/:disk/testIamPermissions",
    handler: (c) => {
      diskOf(c);
      return testPermissions(c);
    },
  },
];
