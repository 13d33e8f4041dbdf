import { afterEach, expect, it, vi } from "vitest";
import { processSingleton } from "./process-singleton";

const names: string[] = [];
function unique(label: string): string {
  const name = `test.${label}.${Math.random().toString(36).slice(2)}`;
  names.push(name);
  return name;
}
afterEach(() => {
  for (const n of names.splice(0)) delete (globalThis as { [key: symbol]: unknown })[Symbol.for(`airlock.${n}`)];
});

it("creates the value once and returns the same one on every call", () => {
  const name = unique("once");
  const create = vi.fn(() => ({ hits: 0 }));
  const a = processSingleton(name, create);
  a.hits += 1;
  const b = processSingleton(name, create);
  expect(b).toBe(a);
  expect(b.hits).toBe(1);
  expect(create).toHaveBeenCalledTimes(1);
});

it("keeps one value per name", () => {
  const a = processSingleton(unique("a"), () => ({}));
  const b = processSingleton(unique("b"), () => ({}));
  expect(a).not.toBe(b);
});

it("is shared by two copies of the same module, as Next.js may load them in one process", async () => {
  const name = unique("copies");
  const first = await import("./process-singleton");
  vi.resetModules();
  const second = await import("./process-singleton");
  expect(second).not.toBe(first);
  const fromFirst = first.processSingleton(name, () => new Map<string, number>());
  fromFirst.set("k", 1);
  expect(second.processSingleton(name, () => new Map<string, number>()).get("k")).toBe(1);
});

it("is shared by two copies of a module that holds its state with it", async () => {
  vi.resetModules();
  const first = await import("@/lib/clusters/burst-cache");
  vi.resetModules();
  const second = await import("@/lib/clusters/burst-cache");
  expect(second.burstCached).not.toBe(first.burstCached);
  const load = vi.fn(async () => "answer");
  await first.burstCached("shared-key", 60_000, load);
  await second.burstCached("shared-key", 60_000, load);
  expect(load).toHaveBeenCalledTimes(1);
  first.clearBurstCacheForTests();
});
