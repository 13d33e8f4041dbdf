import "server-only";
import type { V1NetworkPolicy } from "@kubernetes/client-node";
import { z } from "zod";
import { config } from "@/lib/config";
import { statusOf } from "@/lib/kube/retry";
import { defineStep, type StepContext, type Warning } from "../types";
import { clusterFacts } from "./support/cluster";
import { kubectl, kubectlApplyHeredoc } from "./support/commands";
import { apis, dryRun, isNotFound, kubeFailure, readIncidentPod, readOrNull, withRetry } from "./support/kube";
import { allowPoliciesSelecting, DENY_ALL_NAME, denyAllManifest, isOurDenyAll, listPolicies } from "./support/policies";
import { isQuarantined, QUARANTINE_KEY } from "./support/selectors";

// The playbook's deny-all, corrected (ERRATA 1: the label value is the string "true") and
// honest about what it cannot do: nothing where the cluster does not enforce policy (ERRATA 4),
// nothing while other allow policies select the pod (ERRATA 3), nothing for a while after
// creation (ERRATA 14: a configurable propagation window with a countdown).

export const NO_ENFORCEMENT_MESSAGE =
  "This cluster does not enforce NetworkPolicy, so the deny-all policy will have no effect. Do not enable network policy now: it recreates every node and destroys evidence; use node isolation instead (the node-network stage: tag the node and apply the quarantine firewall rules).";

async function readDenyAll(ctx: StepContext) {
  const t = ctx.incident.targets;
  return readOrNull(() => apis(ctx).networking.readNamespacedNetworkPolicy({ name: DENY_ALL_NAME, namespace: t.namespace }));
}

async function warningsFor(ctx: StepContext): Promise<Warning[]> {
  const warnings: Warning[] = [];
  const facts = await clusterFacts(ctx);
  if (!facts || !facts.networkPolicy.enforced) {
    warnings.push({
      level: "danger",
      code: "no-enforcement",
      message:
        facts?.networkPolicy.determined === false || !facts
          ? `Airlock cannot tell whether this cluster enforces NetworkPolicy (${facts?.networkPolicy.reason ?? "cluster facts unavailable"}). If it does not, the policy has no effect. Do not enable network policy now: it recreates every node and destroys evidence; use node isolation instead.`
          : NO_ENFORCEMENT_MESSAGE,
    });
  }
  const pod = await readIncidentPod(ctx);
  if (pod && !isQuarantined(pod.metadata?.labels)) {
    warnings.push({
      level: "caution",
      code: "not-labelled",
      message: `The pod does not carry ${QUARANTINE_KEY}=true yet, so the policy selects nothing until label-quarantine runs.`,
    });
  }
  if (pod) {
    const others = allowPoliciesSelecting(await listPolicies(ctx), pod.metadata?.labels ?? {});
    if (others.length) {
      warnings.push({
        level: "danger",
        code: "defeated-by-allow-policies",
        message: `NetworkPolicies are additive: ${others.map((p) => p.metadata?.name).join(", ")} still select${others.length === 1 ? "s" : ""} the pod and admit${others.length === 1 ? "s" : ""} the traffic ${others.length === 1 ? "it allows" : "they allow"}, whatever the deny-all says. Run exclude-from-policies first.`,
      });
    }
  }
  warnings.push({
    level: "info",
    code: "propagation",
    message: `Allow about ${config().netpolPropagationSeconds} s (NETPOL_PROPAGATION_SECONDS) for the policy to take effect; the playbook's "~5 minutes" is its own figure, not a guarantee. Run attest-isolation after the countdown.`,
  });
  warnings.push({ level: "info", code: "existing-connections", message: "Established connections may survive until they close, depending on the dataplane." });
  return warnings;
}

type Data = { name: string; namespace: string; manifest?: V1NetworkPolicy };

const record = z.object({
  name: z.string(),
  namespace: z.string(),
  /** False when the policy existed before this incident: release leaves it. */
  createdByAirlock: z.boolean(),
  createdAt: z.string().optional(),
  /** When the propagation window ends: the wizard counts down to it, attest-isolation warns before it. */
  effectiveAt: z.string(),
  propagationSeconds: z.number().optional(),
});
type RunRecord = z.output<typeof record>;

export const applyDenyAll = defineStep<Data, RunRecord>()({
  id: "apply-deny-all",
  stage: "network",
  title: "Apply the deny-all NetworkPolicy",
  risk: "reversible",
  role: "analyst",
  summary: `Creates NetworkPolicy ${DENY_ALL_NAME} selecting quarantine: "true" with Ingress and Egress and no rules: no traffic in or out of the quarantined pod.`,
  record,
  ui: {
    panel: { kind: "propagation-countdown", thenStepId: "attest-isolation" },
    undoEffect: "Deletes the deny-all NetworkPolicy (kept if other quarantined pods in the namespace rely on it).",
  },
  needs: {
    networkPolicyEnforced: true,
    kube: [
      { verb: "create", resource: "networkpolicies", group: "networking.k8s.io" },
      { verb: "delete", resource: "networkpolicies", group: "networking.k8s.io" },
      { verb: "list", resource: "networkpolicies", group: "networking.k8s.io" },
      { verb: "get", resource: "networkpolicies", group: "networking.k8s.io" },
      { verb: "get", resource: "pods" },
      // Release keeps the policy while another quarantined pod in the namespace relies on it.
      { verb: "list", resource: "pods" },
    ],
  },

  async plan(ctx) {
    const t = ctx.incident.targets;
    const manifest = denyAllManifest(t.namespace);
    const commands = [kubectlApplyHeredoc(t, manifest), kubectl(t, t.namespace, "get", "networkpolicies")];
    const warnings = await warningsFor(ctx);
    const existing = await readDenyAll(ctx);
    if (existing) {
      if (isOurDenyAll(existing)) {
        return { changes: [], commands, warnings, noop: true, data: { name: DENY_ALL_NAME, namespace: t.namespace } };
      }
      return {
        changes: [],
        commands,
        warnings,
        blocked: `A NetworkPolicy named ${DENY_ALL_NAME} already exists in ${t.namespace} but does not deny all traffic of quarantine="true" pods; inspect it (it may have been altered) and delete it before retrying.`,
        data: {},
      };
    }
    const dry = await dryRun(`creating ${DENY_ALL_NAME}`, () =>
      apis(ctx).networking.createNamespacedNetworkPolicy({ namespace: t.namespace, body: manifest, dryRun: "All" }),
    );
    return {
      changes: [{ target: `NetworkPolicy ${t.namespace}/${DENY_ALL_NAME}`, action: "create", after: manifest.spec }],
      commands,
      warnings,
      dryRun: dry,
      data: { name: DENY_ALL_NAME, namespace: t.namespace, manifest },
    };
  },

  async execute(ctx) {
    const t = ctx.incident.targets;
    const effectiveAt = () => new Date(Date.now() + config().netpolPropagationSeconds * 1000).toISOString();
    const existing = await readDenyAll(ctx);
    if (existing) {
      if (!isOurDenyAll(existing))
        throw kubeFailure(`Creating ${DENY_ALL_NAME}`, { code: 409, body: { message: `${DENY_ALL_NAME} exists with a different spec.` } });
      const prior = ctx.priorRecord();
      return {
        outcome: "noop",
        message: `NetworkPolicy ${DENY_ALL_NAME} already exists in ${t.namespace} and denies all traffic of quarantined pods.`,
        record: prior ?? {
          name: DENY_ALL_NAME,
          namespace: t.namespace,
          createdByAirlock: existing.metadata?.labels?.["app.kubernetes.io/managed-by"] === "airlock",
          effectiveAt: effectiveAt(),
        },
      };
    }
    const at = effectiveAt();
    const record = {
      name: DENY_ALL_NAME,
      namespace: t.namespace,
      createdByAirlock: true,
      createdAt: new Date().toISOString(),
      effectiveAt: at,
      propagationSeconds: config().netpolPropagationSeconds,
    };
    // Kept before the create: a run that fails after the policy landed still holds what undo needs.
    await ctx.keepRecord(record);
    try {
      await withRetry(() => apis(ctx).networking.createNamespacedNetworkPolicy({ namespace: t.namespace, body: denyAllManifest(t.namespace) }));
    } catch (err) {
      // Absent when this run read it, Airlock's spec now: this run's own create whose answer was lost
      // (the retry got AlreadyExists), or another incident's at the same moment. Either way Airlock
      // made it, so it is in effect and released like any creation; undo keeps it while other
      // quarantined pods rely on it. Recording it as found (noop, not ours) left it unreleasable.
      const raced = statusOf(err) === 409 ? await readDenyAll(ctx) : null;
      if (raced && isOurDenyAll(raced)) {
        return {
          outcome: "success",
          message: `NetworkPolicy ${DENY_ALL_NAME} is in place in ${t.namespace} (created by Airlock; the API's answer to the create was lost or another incident created it at the same moment); expect it in effect around ${at}.`,
          record,
        };
      }
      throw kubeFailure(`Creating ${DENY_ALL_NAME}`, err);
    }
    return {
      outcome: "success",
      message: `NetworkPolicy ${DENY_ALL_NAME} created in ${t.namespace}; expect it in effect around ${at} (${config().netpolPropagationSeconds} s propagation window).`,
      record,
    };
  },

  async verify(ctx) {
    const p = await readDenyAll(ctx);
    if (!p) return { holds: false, message: `NetworkPolicy ${DENY_ALL_NAME} does not exist.` };
    if (!isOurDenyAll(p)) return { holds: false, message: `NetworkPolicy ${DENY_ALL_NAME} exists but no longer denies all traffic of quarantine="true" pods.` };
    const effectiveAt = ctx.priorRecord()?.effectiveAt;
    const pending = effectiveAt && Date.parse(effectiveAt) > Date.now();
    return {
      holds: true,
      message: pending
        ? `NetworkPolicy ${DENY_ALL_NAME} is in place; its propagation window ends at ${effectiveAt}.`
        : `NetworkPolicy ${DENY_ALL_NAME} is in place (quarantine: "true", Ingress and Egress, no rules).`,
    };
  },

  async undo(ctx, record) {
    const t = ctx.incident.targets;
    if (record && record.createdByAirlock === false) return { outcome: "noop", message: `${DENY_ALL_NAME} existed before this incident; it stays.` };
    // The policy is per namespace: another quarantined pod there still needs it.
    const pods = await withRetry(() => apis(ctx).core.listNamespacedPod({ namespace: t.namespace, labelSelector: `${QUARANTINE_KEY}=true` }));
    const others = pods.items.filter((p) => p.metadata?.uid !== t.podUid).map((p) => p.metadata?.name);
    if (others.length) {
      return { outcome: "noop", message: `${DENY_ALL_NAME} stays: other quarantined pods in ${t.namespace} rely on it (${others.join(", ")}).` };
    }
    try {
      await withRetry(() => apis(ctx).networking.deleteNamespacedNetworkPolicy({ name: DENY_ALL_NAME, namespace: t.namespace }));
    } catch (err) {
      if (isNotFound(err)) return { outcome: "noop", message: `${DENY_ALL_NAME} is already gone.` };
      throw kubeFailure(`Deleting ${DENY_ALL_NAME}`, err);
    }
    return {
      outcome: "success",
      message: `NetworkPolicy ${DENY_ALL_NAME} deleted from ${t.namespace} (${kubectl(t, t.namespace, "delete", "networkpolicy", DENY_ALL_NAME)}).`,
    };
  },
});
