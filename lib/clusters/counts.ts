import "server-only";
import type { V1ListMeta } from "@kubernetes/client-node";

/**
 * How many objects a small `limit` list stands for, without fetching them: the ones returned plus
 * `remainingItemCount`. Null when the server sent a continue token but no count: Kubernetes
 * omits remainingItemCount whenever a label or field selector is used, so then the total is unknown.
 */
export function countFromLimitOne(list: { items: unknown[]; metadata?: V1ListMeta }): number | null {
  const meta = list.metadata;
  if (!meta?._continue) return list.items.length;
  if (typeof meta.remainingItemCount === "number") return list.items.length + meta.remainingItemCount;
  return null;
}

/**
 * Counts a selector-filtered list by paging through it. Only for lists that are small by
 * construction (a node's pods are capped by max-pods, 110 by default and 256 at most),
 * since selector lists carry no remainingItemCount.
 */
export async function countByPaging(
  page: (cont: string | undefined) => Promise<{ items: unknown[]; metadata?: V1ListMeta }>,
  maxPages = 4,
): Promise<number | null> {
  let n = 0;
  let cont: string | undefined;
  for (let i = 0; i < maxPages; i++) {
    const res = await page(cont);
    n += res.items.length;
    cont = res.metadata?._continue || undefined;
    if (!cont) return n;
  }
  return null;
}
