// Test support only: one simulator per test file, rebuilt before each test.
import { afterAll, beforeAll, beforeEach } from "vitest";
import type { SimProcess } from "@/sim/test/harness";
import { resetSim, startSim } from "./testing";

export function useDemoSim(): { sim: () => SimProcess } {
  let sim: SimProcess;
  beforeAll(async () => {
    sim = await startSim();
  });
  afterAll(async () => {
    await sim?.stop();
  });
  beforeEach(async () => {
    await resetSim(sim);
  });
  return { sim: () => sim };
}
