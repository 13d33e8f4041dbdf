// Test support only: one simulator per test file, rebuilt before each test.
import { beforeEach } from "vitest";
import { simulatorPerFile } from "@/lib/clusters/sim-env";
import type { SimProcess } from "@/sim/test/harness";
import { DEMO_ARGS, resetSim } from "./testing";

export function useDemoSim(): { sim: () => SimProcess } {
  const sim = simulatorPerFile(DEMO_ARGS);
  beforeEach(async () => {
    await resetSim(sim());
  });
  return { sim };
}
