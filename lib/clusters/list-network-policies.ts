import "server-only";
import { kubeApis } from "@/lib/kube/clients";
import { kubeRead } from "./kube-call";
import { countFromLimitOne } from "./counts";
import { mapLimit } from "./map-limit";
import { toPage } from "./rows";
import { labelSelectorToString } from "./selectors";
import type { ListQuery, NetworkPolicyRow, Page } from "./types";

const SAMPLE = 5;

/** One page of NetworkPolicies, each with the pods its podSelector picks in its namespace. */
export async function listNetworkPolicies(clusterId: string, q: ListQuery): Promise<Page<NetworkPolicyRow>> {
  const { core, networking } = kubeApis(clusterId);
  const common = { labelSelector: q.labelSelector, fieldSelector: q.fieldSelector, limit: q.limit ?? 100, _continue: q.continue };
  const list = await kubeRead(() =>
    q.namespace ? networking.listNamespacedNetworkPolicy({ namespace: q.namespace, ...common }) : networking.listNetworkPolicyForAllNamespaces(common),
  );
  const rows = await mapLimit(list.items, 8, async (np): Promise<NetworkPolicyRow> => {
    const namespace = np.metadata?.namespace ?? "";
    const selector = labelSelectorToString(np.spec?.podSelector);
    const pods = await kubeRead(() => core.listNamespacedPod({ namespace, labelSelector: selector || undefined, limit: SAMPLE })).catch(() => null);
    return {
      namespace,
      name: np.metadata?.name ?? "",
      // An empty podSelector selects every pod in the namespace; say so instead of showing "".
      podSelector: selector || "(all pods in namespace)",
      policyTypes: np.spec?.policyTypes ?? ["Ingress"],
      selectedPods: pods
        ? { names: pods.items.map((p) => p.metadata?.name ?? ""), count: countFromLimitOne(pods), truncated: Boolean(pods.metadata?._continue) }
        : null,
    };
  });
  return toPage(list.metadata, rows);
}
