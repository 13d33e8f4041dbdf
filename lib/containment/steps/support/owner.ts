import type { StepContext, StepNeeds } from "../../types";
import { apis, readOrNull } from "./kube";

type Owner = StepContext["incident"]["targets"]["ownerChain"][number];

/** The top-most owner of one of `kinds` (Pod → ReplicaSet → Deployment gives the Deployment). */
export function topOwner(ctx: StepContext, kinds: string[]): Owner | null {
  const chain = ctx.incident.targets.ownerChain;
  for (let i = chain.length - 1; i >= 0; i--) if (kinds.includes(chain[i].kind)) return chain[i];
  return null;
}

export function noController(kinds: string[]): string {
  return `The pod has no ${kinds.join("/")} in its owner chain.`;
}

/** What readOwner needs: `get` on every kind an owner chain can hold. */
export const OWNER_READS: NonNullable<StepNeeds["kube"]> = [
  { verb: "get", resource: "replicasets", group: "apps" },
  { verb: "get", resource: "deployments", group: "apps" },
  { verb: "get", resource: "statefulsets", group: "apps" },
  { verb: "get", resource: "daemonsets", group: "apps" },
  { verb: "get", resource: "jobs", group: "batch" },
];

/** The live object of an owner in the incident's namespace (ReplicaSet, Deployment, StatefulSet, DaemonSet, Job, CronJob); null when gone or another kind. */
export async function readOwner(ctx: StepContext, kind: string, name: string) {
  const a = apis(ctx);
  const args = { name, namespace: ctx.incident.targets.namespace };
  switch (kind) {
    case "ReplicaSet":
      return readOrNull(() => a.apps.readNamespacedReplicaSet(args));
    case "Deployment":
      return readOrNull(() => a.apps.readNamespacedDeployment(args));
    case "StatefulSet":
      return readOrNull(() => a.apps.readNamespacedStatefulSet(args));
    case "DaemonSet":
      return readOrNull(() => a.apps.readNamespacedDaemonSet(args));
    case "Job":
      return readOrNull(() => a.batch.readNamespacedJob(args));
    case "CronJob":
      return readOrNull(() => a.batch.readNamespacedCronJob(args));
    default:
      return null;
  }
}
