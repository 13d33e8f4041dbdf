import "server-only";
import { z } from "zod";
import { defineStep, type StepContext } from "../types";
import { sh } from "./support/commands";
import { computeClients, gcpFailure, gcpReadOrNull, instanceOf, noInstance, waitOperation, withRetry, type InstanceRef } from "./support/gcp";

// The forensic way to keep a GKE node (google/cloud-forensics-utils does it): take its VM out
// of the managed instance group, so neither auto-repair, nor upgrades, nor the autoscaler act
// on it, without touching the rest of the pool as protect-node's setManagement does. It cannot
// be undone (a VM cannot be put back into a group), so it is destructive and needs an approver;
// the VM then runs outside GKE's care until someone deletes it.

type Group = { project: string; zone: string; group: string; instance: string };
type Data = Group;

const record = z.object({ project: z.string(), zone: z.string(), group: z.string(), instance: z.string() });
type RunRecord = z.output<typeof record>;

/** The group that created the VM, from the `created-by` metadata GKE's groups set on their VMs. */
async function groupOf(ref: InstanceRef): Promise<{ exists: boolean; group: Group | null }> {
  const vm = await gcpReadOrNull(async () => (await computeClients().instances.get({ project: ref.project, zone: ref.zone, instance: ref.name }))[0]);
  if (!vm) return { exists: false, group: null };
  const createdBy = vm.metadata?.items?.find((i) => i.key === "created-by")?.value ?? "";
  const m = /\/zones\/([^/]+)\/instanceGroupManagers\/([^/]+)$/.exec(createdBy);
  return { exists: true, group: m ? { project: ref.project, zone: m[1], group: m[2], instance: ref.name } : null };
}

async function isMember(g: Group): Promise<boolean> {
  const [members] = await withRetry(() =>
    computeClients().instanceGroupManagers.listManagedInstances({ project: g.project, zone: g.zone, instanceGroupManager: g.group }),
  );
  return members.some((m) => (m.instance ?? "").split("/").pop() === g.instance);
}

function command(g: Group): string {
  return sh(
    "gcloud",
    "compute",
    "instance-groups",
    "managed",
    "abandon-instances",
    g.group,
    "--instances",
    g.instance,
    "--zone",
    g.zone,
    "--project",
    g.project,
  );
}

export function deleteByHand(g: Pick<Group, "project" | "zone" | "instance">): string {
  return sh("gcloud", "compute", "instances", "delete", g.instance, "--zone", g.zone, "--project", g.project);
}

async function resolve(ctx: StepContext) {
  const ref = instanceOf(ctx);
  if (!ref) return { blocked: noInstance(ctx) } as const;
  const { exists, group } = await groupOf(ref);
  if (!exists) return { blocked: `VM ${ref.name} no longer exists.` } as const;
  return { ref, group } as const;
}

export const abandonNodeVm = defineStep<Data, RunRecord>()({
  id: "abandon-node-vm",
  stage: "isolate",
  title: "Abandon the node's VM from its instance group",
  risk: "destructive",
  role: "analyst",
  summary:
    "Removes the node's VM from its managed instance group (abandonInstances) so GKE can no longer repair, upgrade or scale it away. Irreversible: the VM keeps running outside the pool and must be deleted by hand after the investigation.",
  record,
  ui: {
    releaseNote:
      "The VM was abandoned from its instance group: it runs outside GKE's care and release cannot put it back. Once the investigation is over, delete it by hand (the command is below).",
  },
  needs: {
    instance: true,
    gcp: ["compute.instances.get", "compute.instanceGroupManagers.get", "compute.instanceGroupManagers.update", "compute.zoneOperations.get"],
  },

  async plan(ctx) {
    const r = await resolve(ctx);
    if ("blocked" in r) return { changes: [], commands: [], warnings: [], blocked: r.blocked ?? "" };
    if (!r.group) {
      return {
        changes: [],
        commands: [],
        warnings: [],
        noop: true,
        data: { project: r.ref.project, zone: r.ref.zone, group: "", instance: r.ref.name },
      };
    }
    const g = r.group;
    const member = await isMember(g);
    const warnings = [
      {
        level: "danger" as const,
        code: "irreversible",
        message: `Irreversible: VM ${g.instance} leaves group ${g.group} for good and the group's target size drops by one. GKE no longer repairs, upgrades or scales it, and no release puts it back: after the investigation, delete it by hand (${deleteByHand(g)}).`,
      },
    ];
    if (!member) return { changes: [], commands: [command(g)], warnings, noop: true, data: g };
    return {
      changes: [
        {
          target: `Instance group ${g.zone}/${g.group}`,
          action: "delete",
          field: "members",
          before: g.instance,
          after: null,
          note: "abandoned: the VM keeps running, unmanaged",
        },
      ],
      commands: [command(g)],
      warnings,
      data: g,
    };
  },

  async execute(ctx, plan) {
    const g = plan.data;
    if (!g.group) return { outcome: "noop", message: `VM ${g.instance} is not managed by an instance group; nothing to abandon.`, record: g };
    let member: boolean;
    try {
      member = await isMember(g);
    } catch (err) {
      throw gcpFailure(`Reading the members of ${g.group}`, err);
    }
    if (!member) return { outcome: "noop", message: `VM ${g.instance} is no longer a member of ${g.group}.`, record: ctx.priorRecord() ?? g };
    try {
      const op = await withRetry(() =>
        computeClients().instanceGroupManagers.abandonInstances({
          project: g.project,
          zone: g.zone,
          instanceGroupManager: g.group,
          instanceGroupManagersAbandonInstancesRequestResource: { instances: [`zones/${g.zone}/instances/${g.instance}`] },
        }),
      );
      await waitOperation(op, { project: g.project, zone: g.zone });
    } catch (err) {
      throw gcpFailure(`Abandoning ${g.instance} from ${g.group}`, err);
    }
    return {
      outcome: "success",
      message: `VM ${g.instance} abandoned from ${g.group}: GKE no longer manages it. Delete it by hand when the investigation is over (${deleteByHand(g)}).`,
      record: g,
    };
  },

  async verify(ctx) {
    const r = await resolve(ctx);
    if ("blocked" in r) return { holds: false, message: r.blocked ?? "" };
    if (!r.group) return { holds: true, message: `VM ${r.ref.name} is not managed by an instance group.` };
    const member = await isMember(r.group);
    return member
      ? { holds: false, message: `VM ${r.ref.name} is still a member of ${r.group.group}.` }
      : { holds: true, message: `VM ${r.ref.name} is not a member of ${r.group.group}: GKE cannot recreate or remove it.` };
  },
});
