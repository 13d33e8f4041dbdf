import "server-only";

/**
 * One value per process under `name`, created on first use and kept on globalThis. Next.js can
 * load a module more than once in one server (a copy per bundle or layer, and again on a dev
 * reload), so module-level state would split into copies that disagree; the globalThis slot,
 * keyed by a registered Symbol, is shared by every copy. Keep what changes (a cache, a test
 * override) as fields of the value: the value itself is never replaced.
 */
export function processSingleton<T extends object>(name: string, create: () => T): T {
  const key = Symbol.for(`airlock.${name}`);
  const g = globalThis as { [key: symbol]: unknown };
  if (!(key in g)) g[key] = create();
  return g[key] as T;
}
