import "server-only";
import type { V1NetworkPolicy } from "@kubernetes/client-node";
import type { StepContext } from "../../types";
import { apis, withRetry } from "./kube";
import { hasExclusion, labelSelectorMatches, QUARANTINE_KEY, QUARANTINE_VALUE, type Labels } from "./selectors";

export const DENY_ALL_NAME = "airlock-quarantine-deny-all";

/** ERRATA 1: the label value is the string "true"; YAML's bare `true` is a boolean the API rejects. */
export function denyAllManifest(namespace: string) {
  return {
    apiVersion: "networking.k8s.io/v1",
    kind: "NetworkPolicy",
    metadata: { name: DENY_ALL_NAME, namespace, labels: { "app.kubernetes.io/managed-by": "airlock" } },
    spec: {
      podSelector: { matchLabels: { [QUARANTINE_KEY]: QUARANTINE_VALUE } },
      policyTypes: ["Ingress", "Egress"],
    },
  };
}

/** Does an existing deny-all do what ours does: select quarantine="true" only, both directions, no rules? */
export function isOurDenyAll(p: V1NetworkPolicy): boolean {
  const s = p.spec;
  const ml = s?.podSelector?.matchLabels ?? {};
  return (
    Object.keys(ml).length === 1 &&
    ml[QUARANTINE_KEY] === QUARANTINE_VALUE &&
    !(s?.podSelector?.matchExpressions ?? []).length &&
    [...(s?.policyTypes ?? [])].sort().join(",") === "Egress,Ingress" &&
    !(s?.ingress ?? []).length &&
    !(s?.egress ?? []).length
  );
}

export async function listPolicies(ctx: StepContext): Promise<V1NetworkPolicy[]> {
  const ns = ctx.incident.targets.namespace;
  return (await withRetry(() => apis(ctx).networking.listNamespacedNetworkPolicy({ namespace: ns }))).items;
}

/**
 * Policies other than Airlock's deny-all that select the pod once it carries quarantine=true:
 * each one still admits the traffic its rules allow (ERRATA 3: policies are additive).
 */
export function allowPoliciesSelecting(policies: V1NetworkPolicy[], labels: Labels): V1NetworkPolicy[] {
  const quarantined = { ...labels, [QUARANTINE_KEY]: QUARANTINE_VALUE };
  return policies.filter((p) => p.metadata?.name !== DENY_ALL_NAME && labelSelectorMatches(p.spec?.podSelector, quarantined));
}

/** Policies that would select the pod if it were not excluded: the ones exclude-from-policies patches or has patched. */
export function policiesSelectingIgnoringExclusion(policies: V1NetworkPolicy[], labels: Labels): { policy: V1NetworkPolicy; excluded: boolean }[] {
  const quarantined = { ...labels, [QUARANTINE_KEY]: QUARANTINE_VALUE };
  return policies
    .filter((p) => p.metadata?.name !== DENY_ALL_NAME)
    .map((p) => {
      const excluded = hasExclusion(p.spec?.podSelector);
      const withoutOurs = {
        ...(p.spec?.podSelector ?? {}),
        matchExpressions: (p.spec?.podSelector?.matchExpressions ?? []).filter(
          (r) => !(r.key === QUARANTINE_KEY && r.operator === "NotIn" && (r.values ?? []).includes(QUARANTINE_VALUE)),
        ),
      };
      return { policy: p, excluded, selects: labelSelectorMatches(withoutOurs, quarantined) };
    })
    .filter((x) => x.selects)
    .map(({ policy, excluded }) => ({ policy, excluded }));
}
