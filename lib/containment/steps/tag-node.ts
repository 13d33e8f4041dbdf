import "server-only";
import { z } from "zod";
import { statusOf } from "@/lib/kube/retry";
import { defineStep, type StepContext } from "../types";
import { gcloud } from "./support/commands";
import { computeClients, gcpFailure, gcpReadOrNull, instanceOf, noInstance, waitOperation, type InstanceRef } from "./support/gcp";
import { EGRESS_DENY } from "./support/firewall";
import { unprotectedNodeLock } from "./protect-node";
import { instanceRef } from "./support/records";

// The firewall rules of firewall-isolate apply to instances carrying this network tag.
// ERRATA 12: setTags replaces the whole list and needs the current fingerprint, so the tag is
// appended to what is there, and a stale fingerprint (412) is answered by reading again once.

export const QUARANTINE_TAG = "quarantine";

async function readInstance(ref: InstanceRef) {
  return gcpReadOrNull(async () => (await computeClients().instances.get({ project: ref.project, zone: ref.zone, instance: ref.name }))[0]);
}

/** setTags with the tags `change` derives from the current ones; one re-read on a stale fingerprint. */
async function updateTags(ref: InstanceRef, change: (items: string[]) => string[] | null): Promise<"changed" | "unchanged" | "gone"> {
  for (let attempt = 0; attempt < 2; attempt++) {
    const vm = await readInstance(ref);
    if (!vm) return "gone";
    const items = vm.tags?.items ?? [];
    const next = change(items);
    if (!next) return "unchanged";
    try {
      const op = await computeClients().instances.setTags({
        project: ref.project,
        zone: ref.zone,
        instance: ref.name,
        tagsResource: { items: next, fingerprint: vm.tags?.fingerprint },
      });
      await waitOperation(op, { project: ref.project, zone: ref.zone });
      return "changed";
    } catch (err) {
      if (statusOf(err) === 412 && attempt === 0) continue;
      throw gcpFailure(`Setting the network tags of ${ref.name}`, err);
    }
  }
  throw gcpFailure(`Setting the network tags of ${ref.name}`, { code: 412 });
}

function addCmd(ctx: StepContext, ref: InstanceRef, verb: "add-tags" | "remove-tags"): string {
  void ctx;
  return gcloud(
    ["compute", "instances", verb, ref.name],
    [
      ["--zone", ref.zone],
      ["--tags", QUARANTINE_TAG],
    ],
    ref.project,
  );
}

type Data = { tags: string[] };

const record = z.object({
  instance: instanceRef,
  /** False when the VM carried the tag before this incident: release leaves it. */
  addedByAirlock: z.boolean(),
});
type RunRecord = z.output<typeof record>;

export const tagNode = defineStep<Data, RunRecord>()({
  id: "tag-node",
  stage: "node-network",
  title: "Tag the node's VM quarantine",
  risk: "reversible",
  role: "analyst",
  summary: "Appends the quarantine network tag to the node's VM (current fingerprint, existing tags kept) so the quarantine firewall rules apply to it.",
  record,
  ui: { undoEffect: "Removes the quarantine network tag from the VM, keeping its other tags." },
  needs: {
    instance: true,
    gcp: [
      "compute.instances.get",
      "compute.instances.setTags",
      "compute.zoneOperations.get",
      // Whether the quarantine rules exist, and the node's pool: the tag may cut a node GKE would replace.
      "compute.firewalls.get",
      "container.clusters.get",
    ],
    kube: [{ verb: "get", resource: "nodes" }],
  },

  async plan(ctx) {
    const ref = instanceOf(ctx);
    if (!ref) return { changes: [], commands: [], warnings: [], blocked: noInstance(ctx) };
    const commands = [addCmd(ctx, ref, "add-tags")];
    const vm = await readInstance(ref);
    if (!vm) return { changes: [], commands, warnings: [], blocked: `VM ${ref.name} no longer exists in ${ref.zone}.` };
    const items = vm.tags?.items ?? [];
    if (items.includes(QUARANTINE_TAG)) return { changes: [], commands, warnings: [], noop: true, data: { tags: items } };
    // With the quarantine rules already in place the tag is what cuts the node's egress, so GKE
    // may then replace the node: the same protect-node-first lock as firewall-isolate applies.
    const rulesExist = (await gcpReadOrNull(async () => (await computeClients().firewalls.get({ project: ref.project, firewall: EGRESS_DENY }))[0])) !== null;
    return {
      changes: [{ target: `Instance ${ref.zone}/${ref.name}`, action: "patch", field: "tags.items", before: items, after: [...items, QUARANTINE_TAG] }],
      commands,
      warnings: [
        rulesExist
          ? {
              level: "danger",
              code: "cuts-egress",
              message: `${EGRESS_DENY} already exists: the tag denies the node's egress at once (kubectl logs and exec stop, the node goes NotReady).`,
            }
          : { level: "info", code: "no-effect-alone", message: "The tag alone changes nothing: the quarantine firewall rules (firewall-isolate) act on it." },
      ],
      lock: rulesExist ? await unprotectedNodeLock(ctx, `once the tag puts it under ${EGRESS_DENY} and it goes NotReady`) : undefined,
      data: { tags: items },
    };
  },

  async execute(ctx, plan) {
    const ref = instanceOf(ctx);
    if (!ref) throw new Error(noInstance(ctx));
    // The plan being executed saw the VM untagged: kept before the write, so a run that fails
    // after its setTags landed still says the tag is Airlock's to remove.
    if (!plan.noop) await ctx.keepRecord({ instance: ref, addedByAirlock: true });
    const result = await updateTags(ref, (items) => (items.includes(QUARANTINE_TAG) ? null : [...items, QUARANTINE_TAG]));
    if (result === "gone") throw gcpFailure(`Tagging ${ref.name}`, { code: 404 });
    if (result === "unchanged") {
      return {
        outcome: "noop",
        message: `VM ${ref.name} already carries the ${QUARANTINE_TAG} tag.`,
        record: ctx.priorRecord() ?? { instance: ref, addedByAirlock: false },
      };
    }
    return { outcome: "success", message: `Tag ${QUARANTINE_TAG} added to VM ${ref.name}.`, record: { instance: ref, addedByAirlock: true } };
  },

  async verify(ctx) {
    const ref = instanceOf(ctx);
    if (!ref) return { holds: false, message: noInstance(ctx) };
    const vm = await readInstance(ref);
    if (!vm) return { holds: false, message: `VM ${ref.name} no longer exists.` };
    const items = vm.tags?.items ?? [];
    return items.includes(QUARANTINE_TAG)
      ? { holds: true, message: `VM ${ref.name} carries tags ${items.join(", ")}.` }
      : { holds: false, message: `VM ${ref.name} does not carry the ${QUARANTINE_TAG} tag.` };
  },

  async undo(ctx, record) {
    const ref = record?.instance ?? instanceOf(ctx);
    if (!ref) return { outcome: "noop", message: noInstance(ctx) };
    if (record && record.addedByAirlock === false)
      return { outcome: "noop", message: `The ${QUARANTINE_TAG} tag was on ${ref.name} before Airlock; it stays.` };
    const result = await updateTags(ref, (items) => (items.includes(QUARANTINE_TAG) ? items.filter((i) => i !== QUARANTINE_TAG) : null));
    if (result === "gone") return { outcome: "noop", message: `VM ${ref.name} no longer exists.` };
    if (result === "unchanged") return { outcome: "noop", message: `VM ${ref.name} no longer carries the ${QUARANTINE_TAG} tag.` };
    return { outcome: "success", message: `Tag ${QUARANTINE_TAG} removed from VM ${ref.name}; its other tags are unchanged.` };
  },
});
