import "server-only";
import type { V1ListMeta } from "@kubernetes/client-node";

/**
 * How many objects a small `limit` list stands for, without fetching them: the ones returned plus
 * `remainingItemCount`. Null when the server sent a continue token but no count (it may omit
 * the count, e.g. with some selectors), because then the total is unknown.
 */
export function countFromLimitOne(list: { items: unknown[]; metadata?: V1ListMeta }): number | null {
  const meta = list.metadata;
  if (!meta?._continue) return list.items.length;
  if (typeof meta.remainingItemCount === "number") return list.items.length + meta.remainingItemCount;
  return null;
}
