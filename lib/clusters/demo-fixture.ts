// Test support only: facts of the simulator's demo scenario (docs/sim-contract.md) and how to find them.
import { kubeApis } from "@/lib/kube/clients";

export const DEMO = {
  project: "acme-prod",
  payments: "gke_acme-prod_us-central1-a_payments",
  storefront: "gke_acme-prod_us-central1_storefront",
  namespace: "shop",
  compromisedAnnotation: "airlock.sim/compromised",
};

/** The compromised checkout pod, found the way an analyst would: by its annotation. */
export async function findCompromisedPod(clusterId = DEMO.payments): Promise<{ name: string; node: string }> {
  const list = await kubeApis(clusterId).core.listNamespacedPod({ namespace: DEMO.namespace, labelSelector: "app=checkout" });
  const pod = list.items.find((p) => p.metadata?.annotations?.[DEMO.compromisedAnnotation] === "true");
  if (!pod?.metadata?.name || !pod.spec?.nodeName) throw new Error("demo scenario has no compromised checkout pod");
  return { name: pod.metadata.name, node: pod.spec.nodeName };
}

/** Every pod of a cluster, paged: the ground truth the limit=1 counts are checked against. */
export async function countAllPods(clusterId: string): Promise<number> {
  let n = 0;
  let cont: string | undefined;
  do {
    const page = await kubeApis(clusterId).core.listPodForAllNamespaces({ limit: 500, _continue: cont });
    n += page.items.length;
    cont = page.metadata?._continue || undefined;
  } while (cont);
  return n;
}
