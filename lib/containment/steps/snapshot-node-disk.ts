import "server-only";
import { z } from "zod";
import { createHash } from "node:crypto";
import { statusOf } from "@/lib/kube/retry";
import { defineStep, type StepContext } from "../types";
import { gcloud } from "./support/commands";
import { computeClients, gcpFailure, gcpReadOrNull, instanceOf, nameOf, noInstance, waitOperation, type InstanceRef } from "./support/gcp";

// Evidence first (ERRATA 7, 11): a snapshot of the node's boot disk survives the node being
// repaired, recreated or cut off by isolation.

const MAX = 63;

/** `airlock-<incident>-<disk>` as a valid resource name (lowercase, ≤ 63, ends alphanumeric). */
export function snapshotName(incidentId: string, disk: string): string {
  const clean = (s: string) =>
    s
      .toLowerCase()
      .replace(/[^a-z0-9-]+/g, "-")
      .replace(/-+/g, "-")
      .replace(/^-|-$/g, "");
  const full = `airlock-${clean(incidentId)}-${clean(disk)}`;
  if (full.length <= MAX) return full;
  // Truncated names stay unique per (incident, disk) through a short hash of the full name.
  const hash = createHash("sha256").update(full).digest("hex").slice(0, 8);
  return `${full.slice(0, MAX - 9).replace(/-+$/, "")}-${hash}`;
}

async function bootDisk(ref: InstanceRef): Promise<{ name: string; source: string } | null> {
  const vm = await gcpReadOrNull(async () => (await computeClients().instances.get({ project: ref.project, zone: ref.zone, instance: ref.name }))[0]);
  const d = vm?.disks?.find((x) => x.boot) ?? vm?.disks?.[0];
  return d?.source ? { name: nameOf(d.source), source: d.source } : null;
}

async function readSnapshot(project: string, name: string) {
  return gcpReadOrNull(async () => (await computeClients().snapshots.get({ project, snapshot: name }))[0]);
}

function cmd(ref: InstanceRef, disk: string, name: string): string {
  return gcloud(
    ["compute", "disks", "snapshot", disk],
    [
      ["--zone", ref.zone],
      ["--snapshot-names", name],
    ],
    ref.project,
  );
}

async function facts(ctx: StepContext) {
  const ref = instanceOf(ctx);
  if (!ref) return null;
  const disk = await bootDisk(ref);
  return { ref, disk, name: disk ? snapshotName(ctx.incident.id, disk.name) : null };
}

type Data = { snapshot: string; disk: string };

const record = z.object({
  snapshot: z.string(),
  sourceDisk: z.string().nullish(),
  disk: z.string(),
  zone: z.string(),
  project: z.string(),
  status: z.string().nullish(),
});
type RunRecord = z.output<typeof record>;

export const snapshotNodeDisk = defineStep<Data, RunRecord>()({
  id: "snapshot-node-disk",
  stage: "evidence",
  title: "Snapshot the node's boot disk",
  risk: "read-only",
  role: "analyst",
  summary: "Snapshots the node VM's boot disk (disks.createSnapshot) before anything can recreate or isolate the node.",
  record,
  needs: {
    instance: true,
    gcp: ["compute.instances.get", "compute.disks.createSnapshot", "compute.snapshots.create", "compute.snapshots.get", "compute.zoneOperations.get"],
  },

  async plan(ctx) {
    const f = await facts(ctx);
    if (!f) return { changes: [], commands: [], warnings: [], blocked: noInstance(ctx) };
    if (!f.disk || !f.name) return { changes: [], commands: [], warnings: [], blocked: `VM ${f.ref.name} (or its boot disk) was not found.` };
    const commands = [cmd(f.ref, f.disk.name, f.name)];
    const existing = await readSnapshot(f.ref.project, f.name);
    if (existing) {
      return {
        changes: [{ target: `Snapshot ${f.name}`, action: "read", note: `already taken (${existing.status})` }],
        commands,
        warnings: [],
        noop: true,
        data: { snapshot: f.name, disk: f.disk.name },
      };
    }
    return {
      changes: [{ target: `Disk ${f.ref.zone}/${f.disk.name}`, action: "snapshot", after: { snapshot: f.name } }],
      commands,
      warnings: [{ level: "info", code: "crash-consistent", message: "The snapshot is crash-consistent (the node keeps running); memory is not captured." }],
      data: { snapshot: f.name, disk: f.disk.name },
    };
  },

  async execute(ctx) {
    const f = await facts(ctx);
    if (!f?.disk || !f.name) throw gcpFailure("Snapshotting the boot disk", { code: 404 });
    const record = { snapshot: f.name, sourceDisk: f.disk.source, disk: f.disk.name, zone: f.ref.zone, project: f.ref.project };
    if (await readSnapshot(f.ref.project, f.name)) return { outcome: "noop", message: `Snapshot ${f.name} already exists.`, record };
    try {
      const op = await computeClients().disks.createSnapshot({
        project: f.ref.project,
        zone: f.ref.zone,
        disk: f.disk.name,
        snapshotResource: {
          name: f.name,
          description: `Airlock incident ${ctx.incident.id}: boot disk of ${f.ref.name}`,
          labels: {
            "airlock-incident": ctx.incident.id
              .toLowerCase()
              .replace(/[^a-z0-9_-]/g, "-")
              .slice(0, 63),
          },
        },
      });
      await waitOperation(op, { project: f.ref.project, zone: f.ref.zone });
    } catch (err) {
      if (statusOf(err) === 409) return { outcome: "noop", message: `Snapshot ${f.name} already exists.`, record };
      throw gcpFailure(`Snapshotting ${f.disk.name}`, err);
    }
    const snap = await readSnapshot(f.ref.project, f.name);
    return {
      outcome: "success",
      message: `Snapshot ${f.name} of ${f.disk.name} taken (${snap?.status ?? "status unknown"}).`,
      record: { ...record, status: snap?.status ?? null },
    };
  },

  async verify(ctx) {
    const f = await facts(ctx);
    const name = ctx.priorRecord()?.snapshot ?? f?.name;
    const project = f?.ref.project ?? ctx.priorRecord()?.project;
    if (!name || !project) return { holds: false, message: noInstance(ctx) };
    const snap = await readSnapshot(project, name);
    if (!snap) return { holds: false, message: `Snapshot ${name} does not exist.` };
    const ready = snap.status === "READY";
    return { holds: ready, message: `Snapshot ${name} of ${nameOf(snap.sourceDisk)} is ${snap.status}.` };
  },
});
