// The simulator a figure runs the console against, with the console's configuration pointed at it
// as `npm run demo` does (lib/clusters/sim-console.ts, shared with the tests), and the simulator's
// request log, which counts the writes that reached the cluster or the cloud (dry runs excluded).
import { useSimulator } from "@/lib/clusters/sim-console";
import type { SimProcess } from "@/sim/test/harness";

export { compromisedPod, PAYMENTS } from "@/lib/clusters/sim-console";
export { simGet, simPost, simRequestSeq, simWritesSince } from "@/sim/test/harness";

/** Starts the simulator (demo scenario, more `args` such as --seed) and points the console's clients at it. */
export function startConsoleSim(args: string[] = []): Promise<SimProcess> {
  return useSimulator(["--scenario", "demo", ...args]);
}
