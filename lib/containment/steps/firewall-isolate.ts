import "server-only";
import { z } from "zod";
import { statusOf } from "@/lib/kube/retry";
import { defineStep, type Change, type StepContext, type Warning } from "../types";
import { autoRepairWarning, clusterFacts, SNAPSHOT_STEP } from "./support/cluster";
import { checkSshSourceRange } from "./support/cidr";
import { gcloud } from "./support/commands";
import {
  dualStackSubnet,
  effectiveFirewalls,
  effectiveSummarySchema,
  gcloudFlags,
  quarantineRules,
  quarantineRulesV6,
  ruleDifferences,
  type Firewall,
} from "./support/firewall";
import { computeClients, gcpFailure, gcpReadOrNull, instanceOf, nameOf, noInstance, waitOperation, type InstanceRef } from "./support/gcp";
import { unprotectedNodeLock } from "./protect-node";
import { QUARANTINE_TAG } from "./tag-node";

// The playbook's node isolation: deny egress (priority 0) and ingress (priority 1) for the
// quarantine tag, allow SSH from the investigator only (priority 0 beats the deny at 1; at equal
// priority a deny would win, ERRATA 9). All protocols by default (ERRATA 10).

const params = z.object({
  sshSourceRange: z.string().superRefine((v, c) => {
    const r = checkSshSourceRange(v);
    if (!r.ok) c.addIssue({ code: "custom", message: r.message });
  }),
  protocol: z.enum(["all", "tcp"]).default("all"),
});
type Params = z.output<typeof params>;

type Data = { project: string; network: string; create: string[]; rules: Firewall[]; dualStack: string | null };

const record = z.object({
  project: z.string(),
  network: z.string(),
  created: z.array(z.string()),
  effectiveFirewalls: effectiveSummarySchema.nullable(),
});
type RunRecord = z.output<typeof record>;

async function networkOf(ctx: StepContext, ref: InstanceRef): Promise<string | null> {
  if (ctx.incident.targets.network) return ctx.incident.targets.network;
  const vm = await gcpReadOrNull(async () => (await computeClients().instances.get({ project: ref.project, zone: ref.zone, instance: ref.name }))[0]);
  return vm ? nameOf(vm.networkInterfaces?.[0]?.network) || null : null;
}

async function readRule(project: string, name: string): Promise<Firewall | null> {
  return gcpReadOrNull(async () => (await computeClients().firewalls.get({ project, firewall: name }))[0]);
}

// Undo and reconcile hand the stored params back unvalidated: read them defensively.
function wanted(ctx: StepContext<Partial<Params>>, ref: InstanceRef, network: string, dualStack: string | null): Firewall[] {
  const range = checkSshSourceRange(ctx.params.sshSourceRange);
  const protocol = ctx.params.protocol ?? "all";
  const v4 = quarantineRules(ref.project, network, protocol, range.ok ? range.range : "");
  return dualStack ? [...v4, ...quarantineRulesV6(ref.project, network, protocol)] : v4;
}

function commandsFor(rules: Firewall[], network: string, project: string): string[] {
  return rules.map((r) => gcloud(["compute", "firewall-rules", "create", r.name!], gcloudFlags(r, network), project));
}

/** What evidence is still to take before the tunnels close, from what this incident already did. */
function evidenceStill(ctx: Pick<StepContext, "hasTakenEffect">): string {
  const todo = ["collect-evidence", SNAPSHOT_STEP.id].filter((id) => !ctx.hasTakenEffect({ id }));
  return todo.length
    ? `Collect logs and evidence (${todo.join(", ")}) before isolating.`
    : "Evidence is already collected and the boot disk snapshotted for this incident.";
}

export const firewallIsolate = defineStep<Data, RunRecord>()({
  id: "firewall-isolate",
  stage: "node-network",
  title: "Isolate the node with firewall rules",
  risk: "reversible",
  role: "analyst",
  summary:
    "Creates quarantine-egress-deny (priority 0), quarantine-ingress-deny (priority 1) and quarantine-ingress-allow (tcp:22 from the investigator, priority 0) for the quarantine tag on the VM's network; on a dual-stack subnetwork also quarantine-egress-deny-ipv6 and quarantine-ingress-deny-ipv6 (::/0).",
  params,
  record,
  ui: {
    form: [
      {
        kind: "text",
        name: "sshSourceRange",
        label: "SSH source range",
        required: true,
        placeholder: "203.0.113.7/32",
        monospace: true,
        help: "The investigator's address (a single IP or a narrow CIDR; never 0.0.0.0/0): the only source allowed to reach the node on tcp:22.",
      },
      {
        kind: "radio",
        name: "protocol",
        legend: "Protocols to deny",
        options: [
          { value: "all", label: "all (default: also UDP and ICMP)" },
          { value: "tcp", label: "tcp only (the playbook's variant)" },
        ],
        default: "all",
      },
    ],
    undoEffect: "Deletes the quarantine firewall rules (egress deny, ingress deny, SSH allow, and their IPv6 twins on a dual-stack subnetwork).",
  },
  needs: {
    instance: true,
    gcp: [
      "compute.firewalls.create",
      "compute.firewalls.get",
      "compute.firewalls.delete",
      "compute.networks.updatePolicy",
      "compute.instances.get",
      "compute.instances.getEffectiveFirewalls",
      // Whether the VM's subnetwork is dual-stack: then IPv6 (::/0) is denied too.
      "compute.subnetworks.get",
      // Release keeps the shared rules while another VM in the project is still tagged quarantine.
      "compute.instances.list",
      "compute.globalOperations.get",
      // The node's pool, to say whether GKE may replace the isolated node (protect-node first).
      "container.clusters.get",
    ],
    kube: [{ verb: "get", resource: "nodes" }],
  },

  async plan(ctx) {
    const ref = instanceOf(ctx);
    if (!ref) return { changes: [], commands: [], warnings: [], blocked: noInstance(ctx) };
    const range = checkSshSourceRange(ctx.params.sshSourceRange);
    if (!range.ok) return { changes: [], commands: [], warnings: [], blocked: range.message };
    const network = await networkOf(ctx, ref);
    if (!network) return { changes: [], commands: [], warnings: [], blocked: `Could not find the network of VM ${ref.name}.` };
    const dualStack = await dualStackSubnet(ref);
    const rules = wanted(ctx, ref, network, dualStack);
    const commands = commandsFor(rules, network, ref.project);
    const warnings: Warning[] = [
      {
        level: "danger",
        code: "control-plane-tunnels",
        message: `Denying the node's egress cuts the control plane's tunnels: kubectl logs, exec and port-forward to every pod on this node stop working, and the node may go NotReady. ${evidenceStill(ctx)}`,
      },
    ];
    const repair = autoRepairWarning(await clusterFacts(ctx), "node-isolation", ctx);
    if (repair) warnings.push(repair);
    if (dualStack) {
      warnings.push({
        level: "info",
        code: "dual-stack",
        message: `VM ${ref.name} is in the dual-stack subnetwork ${dualStack}: IPv6 is denied too (::/0, egress and ingress). The SSH exception is IPv4 only, so the node is not reachable over IPv6 at all.`,
      });
    }
    if (ctx.params.protocol === "tcp") {
      warnings.push({
        level: "caution",
        code: "tcp-only",
        message: "TCP only (the playbook's variant): UDP (e.g. DNS tunnelling) and ICMP still pass. The default, all protocols, blocks them too.",
      });
    }
    const changes: Change[] = [];
    const conflicts: string[] = [];
    const toCreate: string[] = [];
    for (const want of rules) {
      const live = await readRule(ref.project, want.name!);
      if (live) {
        const diffs = ruleDifferences(live, want);
        if (diffs.length) conflicts.push(`${want.name} exists but differs: ${diffs.join("; ")}`);
        else changes.push({ target: `Firewall ${want.name}`, action: "read", note: "already exists as wanted" });
      } else {
        toCreate.push(want.name!);
        changes.push({ target: `Firewall ${want.name}`, action: "create", after: want });
      }
    }
    const vm = await gcpReadOrNull(async () => (await computeClients().instances.get({ project: ref.project, zone: ref.zone, instance: ref.name }))[0]);
    if (vm && !(vm.tags?.items ?? []).includes(QUARANTINE_TAG)) {
      warnings.push({
        level: "caution",
        code: "untagged",
        message: `VM ${ref.name} does not carry the ${QUARANTINE_TAG} tag yet: the rules take effect on it once tag-node runs.`,
      });
    }
    if (conflicts.length) {
      return {
        changes,
        commands,
        warnings,
        blocked: `${conflicts.join(". ")}. Airlock will not overwrite a rule it did not create; inspect or delete it first.`,
      };
    }
    const lock = toCreate.length ? await unprotectedNodeLock(ctx, "once its egress is denied and it goes NotReady") : undefined;
    return {
      changes,
      commands,
      warnings,
      noop: toCreate.length === 0 ? true : undefined,
      lock,
      data: { project: ref.project, network, create: toCreate, rules, dualStack },
    };
  },

  async execute(ctx, plan) {
    const ref = instanceOf(ctx);
    if (!ref) throw new Error(noInstance(ctx));
    const network = plan.data.network;
    const rules = wanted(ctx, ref, network, plan.data.dualStack ?? null);
    const prior = ctx.priorRecord()?.created ?? [];
    const created: string[] = [...prior];
    for (const want of rules) {
      const live = await readRule(ref.project, want.name!);
      if (live) {
        const diffs = ruleDifferences(live, want);
        if (diffs.length) throw gcpFailure(`Firewall rule ${want.name}`, { code: 409, message: `exists but differs: ${diffs.join("; ")}` });
        continue;
      }
      // Kept before each insert: a run that fails after the rule landed still names it for undo to delete.
      await ctx.keepRecord({ project: ref.project, network, created: [...new Set([...created, want.name!])], effectiveFirewalls: null });
      try {
        const op = await computeClients().firewalls.insert({ project: ref.project, firewallResource: want });
        await waitOperation(op, { project: ref.project });
        if (!created.includes(want.name!)) created.push(want.name!);
        await ctx.progress(`Created firewall rule ${want.name}`);
      } catch (err) {
        // Created concurrently: success only if it is the same rule.
        if (statusOf(err) === 409) {
          const raced = await readRule(ref.project, want.name!);
          if (raced && !ruleDifferences(raced, want).length) continue;
        }
        throw gcpFailure(`Creating firewall rule ${want.name}`, err);
      }
    }
    const effective = await effectiveFirewalls(ref);
    const record = { project: ref.project, network, created, effectiveFirewalls: effective };
    const newly = created.filter((n) => !prior.includes(n));
    if (!newly.length) return { outcome: "noop", message: `The ${rules.length} quarantine firewall rules already exist as wanted.`, record };
    return { outcome: "success", message: `Created ${newly.join(", ")} on network ${network}.`, record };
  },

  async verify(ctx) {
    const ref = instanceOf(ctx);
    if (!ref) return { holds: false, message: noInstance(ctx) };
    const network = await networkOf(ctx, ref);
    if (!network) return { holds: false, message: `Could not find the network of VM ${ref.name}.` };
    const problems: string[] = [];
    const range = checkSshSourceRange(ctx.params.sshSourceRange);
    const rules = wanted(ctx, ref, network, await dualStackSubnet(ref));
    for (const want of rules) {
      const live = await readRule(ref.project, want.name!);
      if (!live) problems.push(`${want.name} is missing`);
      else {
        // Without params (reconcile after a restart) the SSH range is whatever was created.
        const diffs = ruleDifferences(live, range.ok ? want : { ...want, sourceRanges: live.sourceRanges });
        if (diffs.length) problems.push(`${want.name} differs: ${diffs.join("; ")}`);
      }
    }
    const effective = await effectiveFirewalls(ref);
    const applied = effective?.filter((f) => rules.some((r) => r.name === f.name)).map((f) => f.name) ?? [];
    const eff = effective
      ? `Effective on ${ref.name}: ${applied.length ? applied.join(", ") : "no quarantine rule (is the VM tagged?)"}.`
      : "The VM's effective firewall could not be read.";
    return problems.length
      ? { holds: false, message: `${problems.join(". ")}. ${eff}` }
      : { holds: applied.length === rules.length || !effective, message: `The quarantine rules exist${rules.length > 3 ? " (IPv4 and IPv6)" : ""}. ${eff}` };
  },

  async undo(ctx, record) {
    const ref = instanceOf(ctx);
    const project = record?.project ?? ref?.project;
    if (!project) return { outcome: "noop", message: noInstance(ctx) };
    const created = record?.created ?? [];
    if (!created.length) return { outcome: "noop", message: "Airlock created none of the quarantine rules; they stay." };
    // The rules are shared by every VM tagged quarantine in the project: keep them while another needs them.
    const others: string[] = [];
    try {
      for await (const [, scoped] of computeClients().instances.aggregatedListAsync({ project, filter: `tags.items=${QUARANTINE_TAG}` })) {
        for (const vm of scoped.instances ?? []) {
          if ((vm.tags?.items ?? []).includes(QUARANTINE_TAG) && vm.name !== ref?.name) others.push(vm.name!);
        }
      }
    } catch (err) {
      throw gcpFailure("Checking which VMs still rely on the quarantine rules", err);
    }
    if (others.length) {
      return { outcome: "noop", message: `The quarantine rules stay: other VMs carry the ${QUARANTINE_TAG} tag (${others.join(", ")}).` };
    }
    const deleted: string[] = [];
    for (const name of created) {
      try {
        const op = await computeClients().firewalls.delete({ project, firewall: name });
        await waitOperation(op, { project });
        deleted.push(name);
      } catch (err) {
        if (statusOf(err) === 404) continue;
        throw gcpFailure(`Deleting firewall rule ${name}`, err);
      }
    }
    return deleted.length
      ? { outcome: "success", message: `Deleted firewall rules ${deleted.join(", ")}.` }
      : { outcome: "noop", message: "The quarantine rules are already gone." };
  },
});
