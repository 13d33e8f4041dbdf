import "server-only";
import { kubeApis } from "@/lib/kube/clients";
import { kubeRead } from "./kube-call";
import { countByPaging } from "./counts";
import { mapLimit } from "./map-limit";
import { getInstanceFacts } from "./node-instance";
import { nodeRowBase, toPage } from "./rows";
import type { ListQuery, NodeRow, Page } from "./types";

export type NodePage = Page<NodeRow> & {
  /** Set when Compute could not be read for some nodes: their tags show as unknown. */
  computeError?: string;
};

/** One page of nodes with their VM's network tags and a pod count each (field selector spec.nodeName). */
export async function listNodes(clusterId: string, q: ListQuery): Promise<NodePage> {
  const { core } = kubeApis(clusterId);
  const list = await kubeRead(() =>
    core.listNode({ labelSelector: q.labelSelector, fieldSelector: q.fieldSelector, limit: q.limit ?? 100, _continue: q.continue }),
  );
  let computeError: string | undefined;
  const rows = await mapLimit(list.items, 8, async (node) => {
    const row = nodeRowBase(node);
    const [pods, vm] = await Promise.all([
      countByPaging((cont) => kubeRead(() => core.listPodForAllNamespaces({ fieldSelector: `spec.nodeName=${row.name}`, limit: 500, _continue: cont }))).catch(
        () => null,
      ),
      row.instance ? getInstanceFacts(row.instance) : Promise.resolve(null),
    ]);
    row.podCount = pods;
    if (vm?.ok) row.tags = vm.instance.tags;
    else if (vm && !vm.ok) computeError ??= vm.error;
    return row;
  });
  return { ...toPage(list.metadata, rows), ...(computeError ? { computeError } : {}) };
}
