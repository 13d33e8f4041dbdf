import "server-only";
import type { V1ObjectMeta } from "@kubernetes/client-node";
import type { KubeApis } from "@/lib/kube/clients";
import { isNotFound, kubeError } from "@/lib/kube/errors";
import { withRetry } from "@/lib/kube/retry";
import { controllerOf } from "./rows";

export type OwnerLink = {
  kind: string;
  name: string;
  /** The owner's reference exists but the object is gone (e.g. a ReplicaSet already deleted). */
  missing?: boolean;
  /** Read failed for another reason (forbidden, unreachable): readable text. */
  error?: string;
};

type Reader = (apis: KubeApis, namespace: string, name: string) => Promise<{ metadata?: V1ObjectMeta }>;

// The kinds that own pods in practice. Anything else (a CRD operator) ends the chain with its name.
const READERS: Record<string, Reader> = {
  ReplicaSet: (a, namespace, name) => a.apps.readNamespacedReplicaSet({ namespace, name }),
  Deployment: (a, namespace, name) => a.apps.readNamespacedDeployment({ namespace, name }),
  StatefulSet: (a, namespace, name) => a.apps.readNamespacedStatefulSet({ namespace, name }),
  DaemonSet: (a, namespace, name) => a.apps.readNamespacedDaemonSet({ namespace, name }),
  Job: (a, namespace, name) => a.batch.readNamespacedJob({ namespace, name }),
  CronJob: (a, namespace, name) => a.batch.readNamespacedCronJob({ namespace, name }),
};

/** Pod → ReplicaSet → Deployment (or StatefulSet / DaemonSet / Job → CronJob), nearest first. */
export async function ownerChain(apis: KubeApis, namespace: string, podMeta: V1ObjectMeta | undefined): Promise<OwnerLink[]> {
  const chain: OwnerLink[] = [];
  let next = controllerOf(podMeta?.ownerReferences);
  for (let depth = 0; next && depth < 5; depth++) {
    const link: OwnerLink = { kind: next.kind, name: next.name };
    chain.push(link);
    const read = READERS[next.kind];
    if (!read) break;
    const owner = next;
    try {
      const obj = await withRetry(() => read(apis, namespace, owner.name));
      next = controllerOf(obj.metadata?.ownerReferences);
    } catch (err) {
      if (isNotFound(err)) link.missing = true;
      else link.error = kubeError(err).message;
      break;
    }
  }
  return chain;
}
