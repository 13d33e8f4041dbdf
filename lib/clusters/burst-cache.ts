import "server-only";
import { processSingleton } from "@/lib/process-singleton";

type Entry = { at: number; value: Promise<unknown> };

function store(): Map<string, Entry> {
  return processSingleton("clusters.burst-cache", () => new Map<string, Entry>());
}

/**
 * Shares one in-flight or just-finished answer between the calls of a request burst (a page
 * render, its API polls, several tabs), so a dozen pollers cost one round of cluster calls.
 * Failures are not kept: the next caller tries again.
 */
export function burstCached<T>(key: string, ttlMs: number, load: () => Promise<T>): Promise<T> {
  const map = store();
  const now = Date.now();
  const hit = map.get(key);
  if (hit && now - hit.at < ttlMs) return hit.value as Promise<T>;
  const value = load();
  map.set(key, { at: now, value });
  value.catch(() => {
    if (map.get(key)?.value === value) map.delete(key);
  });
  if (map.size > 500) {
    for (const [k, e] of map) if (now - e.at >= ttlMs) map.delete(k);
  }
  return value;
}

/** Tests only. */
export function clearBurstCacheForTests(): void {
  store().clear();
}
