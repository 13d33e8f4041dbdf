import "server-only";
import { z } from "zod";
import type { V1NetworkPolicy } from "@kubernetes/client-node";
import { defineStep, type Change, type StepContext } from "../types";
import { kubectl } from "./support/commands";
import { apis, combineDryRuns, dryRun, kubeFailure, patchOptions, PatchStrategy, podGone, readIncidentPod, readOrNull, withRetry } from "./support/kube";
import { labelQuarantine } from "./label-quarantine";
import { manifestOf } from "./support/records";
import { listPolicies, policiesSelectingIgnoringExclusion } from "./support/policies";
import { EXCLUDE_QUARANTINED, isQuarantined, QUARANTINE_KEY, QUARANTINE_VALUE } from "./support/selectors";

// ERRATA 3: NetworkPolicies are additive, so an allow policy that selects the quarantined pod
// keeps admitting traffic whatever the deny-all says. Each such policy gets
// `quarantine NotIn ["true"]` in its podSelector, the original kept for release.

export const EXCLUDED_BY_ANNOTATION = "airlock.io/excluded-for-incident";

type PodSelector = NonNullable<NonNullable<V1NetworkPolicy["spec"]>["podSelector"]>;

function excludePatch(p: V1NetworkPolicy, incidentId: string) {
  return {
    // resourceVersion makes this a compare-and-swap: the list replaced below is the one we read.
    metadata: { resourceVersion: p.metadata?.resourceVersion, annotations: { [EXCLUDED_BY_ANNOTATION]: incidentId } },
    spec: { podSelector: { matchExpressions: [...(p.spec?.podSelector?.matchExpressions ?? []), EXCLUDE_QUARANTINED] } },
  };
}

function patchCommand(ctx: StepContext, p: V1NetworkPolicy): string {
  const t = ctx.incident.targets;
  const exprs = [...(p.spec?.podSelector?.matchExpressions ?? []), EXCLUDE_QUARANTINED];
  return kubectl(
    t,
    t.namespace,
    "patch",
    "networkpolicy",
    p.metadata!.name!,
    "--type",
    "merge",
    "-p",
    JSON.stringify({ spec: { podSelector: { matchExpressions: exprs } } }),
  );
}

async function targets(ctx: StepContext) {
  const pod = await readIncidentPod(ctx);
  if (!pod) return null;
  return policiesSelectingIgnoringExclusion(await listPolicies(ctx), pod.metadata?.labels ?? {});
}

type Data = { policies: { name: string; podSelector: PodSelector }[] };

const record = z.object({ policies: z.array(z.object({ name: z.string(), podSelector: manifestOf<PodSelector>() })) });
type RunRecord = z.output<typeof record>;

export const excludeFromPolicies = defineStep<Data, RunRecord>()({
  id: "exclude-from-policies",
  stage: "network",
  title: "Exclude the pod from existing allow policies",
  risk: "reversible",
  role: "analyst",
  summary:
    'Adds quarantine NotIn ["true"] to the podSelector of every NetworkPolicy that selects the pod, so the deny-all is the only policy left selecting it.',
  record,
  ui: { undoEffect: "Restores the original podSelector of the allow policies that were patched." },
  needs: {
    networkPolicyEnforced: true,
    kube: [
      { verb: "list", resource: "networkpolicies", group: "networking.k8s.io" },
      { verb: "patch", resource: "networkpolicies", group: "networking.k8s.io" },
      { verb: "get", resource: "networkpolicies", group: "networking.k8s.io" },
      { verb: "get", resource: "pods" },
    ],
  },

  async plan(ctx) {
    const t = ctx.incident.targets;
    const pod = await readIncidentPod(ctx);
    if (!pod) return { changes: [], commands: [], warnings: [], blocked: podGone(ctx) };
    // The policies are found as if the pod were labelled already, so the plan (and its hash) is
    // the one it will be once label-quarantine has run: a runbook seals both before either runs.
    const waiting = isQuarantined(pod.metadata?.labels)
      ? {}
      : {
          blocked: `Label the pod ${QUARANTINE_KEY}=${QUARANTINE_VALUE} first (label-quarantine): the exclusion keys on that label.`,
          waitsFor: labelQuarantine.id,
        };
    const found = policiesSelectingIgnoringExclusion(await listPolicies(ctx), pod.metadata?.labels ?? {});
    const todo = found.filter((f) => !f.excluded).map((f) => f.policy);
    const done = found.filter((f) => f.excluded).map((f) => f.policy.metadata!.name!);
    if (!todo.length) {
      return {
        changes: done.map((n): Change => ({ target: `NetworkPolicy ${t.namespace}/${n}`, action: "read", note: "already excludes quarantined pods" })),
        commands: [],
        warnings: [],
        noop: true,
        data: { policies: [] },
        ...waiting,
      };
    }
    const changes: Change[] = todo.map((p) => ({
      target: `NetworkPolicy ${t.namespace}/${p.metadata!.name}`,
      action: "patch",
      field: "spec.podSelector",
      before: p.spec?.podSelector ?? {},
      after: { ...(p.spec?.podSelector ?? {}), matchExpressions: excludePatch(p, ctx.incident.id).spec.podSelector.matchExpressions },
    }));
    const dry = combineDryRuns(
      await Promise.all(
        todo.map((p) =>
          dryRun(`patching ${p.metadata!.name}`, () =>
            apis(ctx).networking.patchNamespacedNetworkPolicy(
              { name: p.metadata!.name!, namespace: t.namespace, body: excludePatch(p, ctx.incident.id), dryRun: "All" },
              patchOptions(PatchStrategy.MergePatch),
            ),
          ),
        ),
      ),
    );
    return {
      changes,
      commands: todo.map((p) => patchCommand(ctx, p)),
      warnings: [
        {
          level: "info",
          code: "policy-scope",
          message: "Other pods these policies select keep exactly the access they had; only pods labelled quarantine=true drop out.",
        },
      ],
      dryRun: dry,
      data: { policies: todo.map((p) => ({ name: p.metadata!.name!, podSelector: p.spec?.podSelector ?? {} })) },
      ...waiting,
    };
  },

  async execute(ctx) {
    const t = ctx.incident.targets;
    const found = await targets(ctx);
    if (!found) throw kubeFailure(`Excluding ${t.pod}`, { code: 404 });
    const prior = ctx.priorRecord()?.policies ?? [];
    const originals = new Map(prior.map((p) => [p.name, p.podSelector]));
    const patched: string[] = [];
    for (const { policy, excluded } of found) {
      if (excluded) continue;
      const name = policy.metadata!.name!;
      originals.set(name, policy.spec?.podSelector ?? {});
      // Kept before each patch: a run that fails after a patch landed still holds the selector undo restores.
      await ctx.keepRecord({ policies: [...originals].map(([n, podSelector]) => ({ name: n, podSelector })) });
      try {
        await withRetry(() =>
          apis(ctx).networking.patchNamespacedNetworkPolicy(
            { name, namespace: t.namespace, body: excludePatch(policy, ctx.incident.id) },
            patchOptions(PatchStrategy.MergePatch),
          ),
        );
      } catch (err) {
        throw kubeFailure(`Patching NetworkPolicy ${name}`, err);
      }
      patched.push(name);
    }
    const record = { policies: [...originals].map(([name, podSelector]) => ({ name, podSelector })) };
    if (!patched.length) return { outcome: "noop", message: "Every policy that selects the pod already excludes quarantined pods.", record };
    return { outcome: "success", message: `Excluded quarantined pods from ${patched.join(", ")}.`, record };
  },

  async verify(ctx) {
    const found = await targets(ctx);
    if (!found) return { holds: false, message: podGone(ctx) };
    const still = found.filter((f) => !f.excluded).map((f) => f.policy.metadata!.name!);
    return still.length
      ? { holds: false, message: `Still selecting the quarantined pod: ${still.join(", ")}.` }
      : { holds: true, message: found.length ? `Excluded from ${found.map((f) => f.policy.metadata!.name).join(", ")}.` : "No allow policy selects the pod." };
  },

  async undo(ctx, record) {
    const t = ctx.incident.targets;
    const policies = record?.policies ?? [];
    const restored: string[] = [];
    for (const { name, podSelector } of policies) {
      const live = await readOrNull(() => apis(ctx).networking.readNamespacedNetworkPolicy({ name, namespace: t.namespace }));
      if (!live) continue;
      const exprs = (live.spec?.podSelector?.matchExpressions ?? []).filter(
        (r) => !(r.key === EXCLUDE_QUARANTINED.key && r.operator === EXCLUDE_QUARANTINED.operator && (r.values ?? []).includes(QUARANTINE_VALUE)),
      );
      if (exprs.length === (live.spec?.podSelector?.matchExpressions ?? []).length) continue;
      // Only our requirement is removed: anything else changed since stays as the owner left it.
      void podSelector;
      const keep = exprs.length ? exprs : null;
      try {
        await withRetry(() =>
          apis(ctx).networking.patchNamespacedNetworkPolicy(
            {
              name,
              namespace: t.namespace,
              body: {
                metadata: { resourceVersion: live.metadata?.resourceVersion, annotations: { [EXCLUDED_BY_ANNOTATION]: null } },
                spec: { podSelector: { matchExpressions: keep } },
              },
            },
            patchOptions(PatchStrategy.MergePatch),
          ),
        );
      } catch (err) {
        throw kubeFailure(`Restoring NetworkPolicy ${name}`, err);
      }
      restored.push(name);
    }
    return restored.length
      ? { outcome: "success", message: `Restored the podSelector of ${restored.join(", ")}.` }
      : { outcome: "noop", message: "No policy carries Airlock's exclusion any more." };
  },
});
