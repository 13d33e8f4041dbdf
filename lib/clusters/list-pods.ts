import "server-only";
import { kubeApis } from "@/lib/kube/clients";
import { kubeRead } from "./kube-call";
import { podRow, toPage } from "./rows";
import type { ListQuery, Page, PodRow } from "./types";

/** One page of pods, filtered and paged by the API server (never the whole cluster). */
export async function listPods(clusterId: string, q: ListQuery): Promise<Page<PodRow>> {
  const { core } = kubeApis(clusterId);
  const common = {
    labelSelector: q.labelSelector,
    fieldSelector: q.fieldSelector,
    limit: q.limit ?? 100,
    _continue: q.continue,
  };
  const list = await kubeRead(() =>
    q.namespace ? core.listNamespacedPod({ namespace: q.namespace, ...common }) : core.listPodForAllNamespaces(common),
  );
  return toPage(list.metadata, list.items.map(podRow));
}
