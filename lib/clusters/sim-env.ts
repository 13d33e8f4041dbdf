// Test support only (never imported by app code): starts the simulator as its own process
// and points this process's configuration at it exactly as `npm run demo` would. The
// vitest-free half (useSimulator) lives in sim-console.ts, for the plain-Node scripts too.
import { afterAll, beforeAll } from "vitest";
import type { SimProcess } from "@/sim/test/harness";
import { useSimulator } from "./sim-console";

export { useSimulator };

/** One simulator for the test file, started (and configured) before its tests and stopped after them. */
export function simulatorPerFile(args: string[]): () => SimProcess {
  let sim: SimProcess | undefined;
  beforeAll(async () => {
    sim = await useSimulator(args);
  });
  afterAll(async () => {
    await sim?.stop();
  });
  return () => {
    if (!sim) throw new Error("the simulator is not started yet (use it inside a test or hook)");
    return sim;
  };
}
