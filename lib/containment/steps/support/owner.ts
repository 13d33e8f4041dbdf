import type { StepContext } from "../../types";

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
