// Test support only (never imported by app code): starts the simulator as its own process
// and points this process's configuration at it exactly as `npm run demo` would.
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll } from "vitest";
import { startSimProcess, type SimProcess } from "@/sim/test/harness";
import { resetConfigForTests } from "@/lib/config";
import { resetKubeClientsForTests } from "@/lib/kube/clients";
import { resetGcpClientsForTests } from "@/lib/gcp/clients";

export async function useSimulator(args: string[]): Promise<SimProcess> {
  const sim = await startSimProcess(args);
  process.env.KUBECONFIG = sim.ready.kubeconfig;
  process.env.GOOGLE_COMPUTE_ENDPOINT = sim.ready.computeEndpoint;
  process.env.GOOGLE_CONTAINER_ENDPOINT = sim.ready.containerEndpoint;
  process.env.GOOGLE_IAM_ENDPOINT = sim.ready.iamEndpoint;
  process.env.GCP_PROJECTS = sim.ready.project;
  process.env.NEXTAUTH_SECRET ??= randomBytes(32).toString("base64url");
  resetConfigForTests();
  resetKubeClientsForTests();
  resetGcpClientsForTests();
  return sim;
}

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
