// Test and proof support (never imported by app code), free of vitest so the plain-Node scripts
// (`npm run proof`, the benchmarks) use it too: starts the simulator as its own process, points
// this process's configuration at it exactly as `npm run demo` would, and finds the demo's
// compromised pod (lib/clusters/demo-fixture.ts has its name and node, for the same reason).
import { randomBytes } from "node:crypto";
import { COMPROMISED_ANNOTATION, consoleEnvFor, PAYMENTS, startSimProcess, type SimProcess } from "@/sim/test/harness";
import { resetConfigForTests } from "@/lib/config";
import { resetKubeClientsForTests, kubeApis } from "@/lib/kube/clients";
import { resetGcpClientsForTests } from "@/lib/gcp/clients";

export { COMPROMISED_ANNOTATION, PAYMENTS };

export async function useSimulator(args: string[]): Promise<SimProcess> {
  const sim = await startSimProcess(args);
  Object.assign(process.env, consoleEnvFor(sim.ready));
  process.env.NEXTAUTH_SECRET ??= randomBytes(32).toString("base64url");
  resetConfigForTests();
  resetKubeClientsForTests();
  resetGcpClientsForTests();
  return sim;
}

/** The demo's compromised pod in a cluster (annotated by the scenario). */
export async function compromisedPod(cluster = PAYMENTS, namespace = "shop"): Promise<string> {
  const pods = await kubeApis(cluster).core.listNamespacedPod({ namespace });
  const pod = pods.items.find((p) => p.metadata?.annotations?.[COMPROMISED_ANNOTATION] === "true");
  if (!pod?.metadata?.name) throw new Error(`no pod annotated ${COMPROMISED_ANNOTATION} in ${cluster}/${namespace}`);
  return pod.metadata.name;
}
