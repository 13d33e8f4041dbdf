import "server-only";
import { z } from "zod";
import { defineStep, type Warning } from "../types";
import { gcloud } from "./support/commands";
import { computeClients, gcpFailure, gcpReadOrNull, instanceOf, noInstance, waitOperation, type InstanceRef } from "./support/gcp";
import { instanceRef } from "./support/records";

// Breaks the VM's existing connections outside the VPC by deleting its external access config.
// NOT RECOMMENDED (playbook): a managed instance group or node-pool recreation may give the VM an
// external IP again, most likely a different one (ERRATA 13). The access config is recorded so
// release can add one back.

const NIC = "nic0";

type AccessConfig = { name: string; natIP: string | null; networkTier: string | null; type: string | null };

async function readAccessConfigs(ref: InstanceRef): Promise<AccessConfig[] | null> {
  const vm = await gcpReadOrNull(async () => (await computeClients().instances.get({ project: ref.project, zone: ref.zone, instance: ref.name }))[0]);
  if (!vm) return null;
  const nic = (vm.networkInterfaces ?? []).find((n) => n.name === NIC) ?? vm.networkInterfaces?.[0];
  return (nic?.accessConfigs ?? [])
    .filter((a) => a.natIP || String(a.type ?? "ONE_TO_ONE_NAT") === "ONE_TO_ONE_NAT")
    .map((a) => ({
      name: a.name ?? "External NAT",
      natIP: a.natIP ?? null,
      networkTier: a.networkTier ? String(a.networkTier) : null,
      type: a.type ? String(a.type) : null,
    }));
}

function commands(ref: InstanceRef, ac: AccessConfig | undefined): string[] {
  return [
    `${gcloud(
      ["compute", "instances", "describe", ref.name],
      [
        ["--zone", ref.zone],
        ["--format", "flattened([networkInterfaces])"],
      ],
      ref.project,
    )}`,
    gcloud(
      ["compute", "instances", "delete-access-config", ref.name],
      [
        ["--zone", ref.zone],
        ["--access-config-name", ac?.name ?? "<access_config_name>"],
      ],
      ref.project,
    ),
  ];
}

const BANNER: Warning = {
  level: "danger",
  code: "not-recommended",
  message:
    "NOT RECOMMENDED (playbook): removing the external IP breaks existing connections outside the VPC, but the node may self-heal and get another external IP (most likely a different one).",
};
const SELF_HEAL: Warning = {
  level: "caution",
  code: "self-heal",
  message:
    "A managed instance group or node-pool recreation may restore an external IP; prefer the firewall isolation. Release adds an access config back, but the IP may differ unless it was a reserved static address.",
};

type Data = { accessConfig?: AccessConfig };

const record = z.object({
  instance: instanceRef,
  accessConfig: z.object({ name: z.string(), natIP: z.string().nullable(), networkTier: z.string().nullable(), type: z.string().nullable() }).nullable(),
});
type RunRecord = z.output<typeof record>;

export const removeExternalIp = defineStep<Data, RunRecord>()({
  id: "remove-external-ip",
  stage: "node-network",
  title: "Remove the node's external IP (not recommended)",
  risk: "destructive",
  role: "analyst",
  summary: "Deletes the external access config of the node's VM (recorded, so release can add one back). NOT RECOMMENDED: it may self-heal with another IP.",
  record,
  ui: { undoEffect: "Re-adds the recorded external access config to the VM (likely a different IP)." },
  needs: {
    instance: true,
    gcp: [
      "compute.instances.get",
      "compute.instances.deleteAccessConfig",
      "compute.instances.addAccessConfig",
      // Undo asks for a new ephemeral address on the VM's subnet.
      "compute.subnetworks.useExternalIp",
      "compute.zoneOperations.get",
    ],
  },

  async plan(ctx) {
    const ref = instanceOf(ctx);
    if (!ref) return { changes: [], commands: [], warnings: [BANNER], blocked: noInstance(ctx) };
    const acs = await readAccessConfigs(ref);
    if (!acs) return { changes: [], commands: commands(ref, undefined), warnings: [BANNER], blocked: `VM ${ref.name} no longer exists.` };
    const ac = acs[0];
    if (!ac) return { changes: [], commands: commands(ref, undefined), warnings: [BANNER], noop: true, data: {} };
    return {
      changes: [
        { target: `Instance ${ref.zone}/${ref.name}`, action: "delete", field: `networkInterfaces[${NIC}].accessConfigs[${ac.name}]`, before: ac, after: null },
      ],
      commands: commands(ref, ac),
      warnings: [BANNER, SELF_HEAL],
      data: { accessConfig: ac },
    };
  },

  async execute(ctx, plan) {
    const ref = instanceOf(ctx);
    if (!ref) throw new Error(noInstance(ctx));
    const acs = await readAccessConfigs(ref);
    if (!acs) throw gcpFailure(`Removing the external IP of ${ref.name}`, { code: 404 });
    const ac = acs[0];
    if (!ac) {
      return {
        outcome: "noop",
        message: `VM ${ref.name} has no external IP.`,
        record: ctx.priorRecord() ?? { instance: ref, accessConfig: plan.data.accessConfig ?? null },
      };
    }
    // Kept before the call: a run that fails after the access config is gone still holds what undo re-adds.
    await ctx.keepRecord({ instance: ref, accessConfig: ac });
    try {
      const op = await computeClients().instances.deleteAccessConfig({
        project: ref.project,
        zone: ref.zone,
        instance: ref.name,
        accessConfig: ac.name,
        networkInterface: NIC,
      });
      await waitOperation(op, { project: ref.project, zone: ref.zone });
    } catch (err) {
      throw gcpFailure(`Removing the external IP of ${ref.name}`, err);
    }
    return {
      outcome: "success",
      message: `Removed access config ${ac.name} (${ac.natIP ?? "no IP"}) from ${ref.name}.`,
      record: { instance: ref, accessConfig: ac },
    };
  },

  async verify(ctx) {
    const ref = instanceOf(ctx);
    if (!ref) return { holds: false, message: noInstance(ctx) };
    const acs = await readAccessConfigs(ref);
    if (!acs) return { holds: false, message: `VM ${ref.name} no longer exists.` };
    return acs.length
      ? { holds: false, message: `VM ${ref.name} has an external IP again: ${acs.map((a) => a.natIP ?? a.name).join(", ")} (self-healed or restored).` }
      : { holds: true, message: `VM ${ref.name} has no external IP.` };
  },

  async undo(ctx, record) {
    const ref = record?.instance ?? instanceOf(ctx);
    const ac = record?.accessConfig;
    if (!ref || !ac) return { outcome: "noop", message: "No removed access config is recorded." };
    const acs = await readAccessConfigs(ref);
    if (!acs) return { outcome: "noop", message: `VM ${ref.name} no longer exists.` };
    if (acs.length) return { outcome: "noop", message: `VM ${ref.name} already has an external IP (${acs.map((a) => a.natIP).join(", ")}).` };
    try {
      // No natIP: an ephemeral address is released when removed and cannot be asked for again.
      const op = await computeClients().instances.addAccessConfig({
        project: ref.project,
        zone: ref.zone,
        instance: ref.name,
        networkInterface: NIC,
        accessConfigResource: { name: ac.name, type: "ONE_TO_ONE_NAT", ...(ac.networkTier ? { networkTier: ac.networkTier } : {}) },
      });
      await waitOperation(op, { project: ref.project, zone: ref.zone });
    } catch (err) {
      throw gcpFailure(`Adding the external IP back to ${ref.name}`, err);
    }
    const now = (await readAccessConfigs(ref))?.[0]?.natIP ?? "unknown";
    return {
      outcome: "success",
      message: `Access config ${ac.name} added back to ${ref.name}: external IP is now ${now}${ac.natIP && now !== ac.natIP ? ` (was ${ac.natIP}: the IP differs)` : ""}.`,
    };
  },
});
