import "server-only";
import { kubeApis } from "@/lib/kube/clients";
import { kubeRead } from "./kube-call";
import { countFromLimitOne } from "./counts";
import { mapLimit } from "./map-limit";
import { toPage } from "./rows";
import { selectorMapToString } from "./selectors";
import type { ListQuery, Page, ServiceRow } from "./types";

const SAMPLE = 5;

/** One page of Services, each with the pods its selector picks (asked of the API server, a few names and a count). */
export async function listServices(clusterId: string, q: ListQuery): Promise<Page<ServiceRow>> {
  const { core } = kubeApis(clusterId);
  const common = { labelSelector: q.labelSelector, fieldSelector: q.fieldSelector, limit: q.limit ?? 100, _continue: q.continue };
  const list = await kubeRead(() =>
    q.namespace ? core.listNamespacedService({ namespace: q.namespace, ...common }) : core.listServiceForAllNamespaces(common),
  );
  const rows = await mapLimit(list.items, 8, async (svc): Promise<ServiceRow> => {
    const namespace = svc.metadata?.namespace ?? "";
    const selector = svc.spec?.selector && Object.keys(svc.spec.selector).length ? svc.spec.selector : null;
    let selectedPods: ServiceRow["selectedPods"] = null;
    if (selector) {
      const pods = await kubeRead(() => core.listNamespacedPod({ namespace, labelSelector: selectorMapToString(selector), limit: SAMPLE })).catch(() => null);
      if (pods) {
        selectedPods = {
          names: pods.items.map((p) => p.metadata?.name ?? ""),
          count: countFromLimitOne(pods),
          truncated: Boolean(pods.metadata?._continue),
        };
      }
    }
    return {
      namespace,
      name: svc.metadata?.name ?? "",
      type: svc.spec?.type ?? "ClusterIP",
      clusterIP: svc.spec?.clusterIP ?? null,
      ports: (svc.spec?.ports ?? []).map(
        (p) => `${p.port}${p.targetPort !== undefined ? `→${p.targetPort}` : ""}/${p.protocol ?? "TCP"}${p.nodePort ? ` (node ${p.nodePort})` : ""}`,
      ),
      selector,
      selectedPods,
    };
  });
  return toPage(list.metadata, rows);
}
